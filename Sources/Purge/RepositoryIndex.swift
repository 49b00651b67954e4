import Foundation
import RegistryClient

/// The half of planning a repository that no policy changes, worked out once per repository and
/// kept with it (`RepositoryInventory.index`) for every plan after: the manifests numbered in
/// digest order with their graph as arrays of numbers, the tags newest first, and who points at
/// what. A re-plan then reads arrays by position; before, it rebuilt dictionaries keyed by digest
/// and probed them a dozen times per manifest, and hashing those digests was a third of a plan.
final class RepositoryIndex: @unchecked Sendable {
    // Manifests, by number: number `n` is the n-th digest in ascending order (`Digest.<`), the
    // order of a plan's manifest verdicts.
    let digests: [Digest]
    let kinds: [ManifestKind]
    /// An index's children in view, by number, in the order the index lists them.
    let children: [[Int]]
    /// Referrers in view, by number.
    let referrers: [[Int]]
    /// Whether it refers to a manifest (has a `subject`); which one is in `subject(of:)`.
    let hasSubject: [Bool]
    /// The subjects, by the number of the manifest referring: few manifests have one, and a
    /// digest per manifest would be most of the index's memory.
    private let subjects: [Int: Link]
    let locked: [Bool]
    let times: [TagTime]
    /// An ordinary tag points to it.
    let tagged: [Bool]
    /// A listed index names it as a child.
    let hasParent: [Bool]
    /// A referrer tag (`sha256-<hex>`, `.sig`, …) points to it.
    let referrerTagged: [Bool]
    /// For a manifest a referrer tag points to: the subject that tag names (the lowest such tag's).
    private let referrerTagSubjects: [Int: Link]
    /// Ordinary tags pointing to it, sorted.
    let tagsOf: [[String]]
    /// Leftovers of an earlier run (`LeftoverCheck`).
    let leftoverPresent: [Bool]
    let dangling: [Bool]
    let bodySizes: [Int]
    let blobs: [[BlobRef]]

    // Tags, newest first (ties by name, unknown times last), as a plan lists its tag verdicts.
    let tagNames: [String]
    /// What each tag points to: the manifest's number (≥ 0), or for a manifest that could not be
    /// read, `-1 - k` for the k-th of `unreadDigests` (`manifestNumber(ofTag:)`, `digest(ofTag:)`).
    private let tagTargets: [Int]
    private let unreadDigests: [Digest]
    let tagTimes: [TagTime]
    let tagLocked: [Bool]

    /// Referrer tags by name, with the manifest each points to and the subject its name gives.
    let referrerTags: [(tag: String, number: Int?, subject: Digest?, subjectNumber: Int?)]

    init(_ repository: RepositoryInventory) {
        let digests = Planner.sortedDigests(repository.manifests.keys)
        var numbers: [Digest: Int] = [:]
        numbers.reserveCapacity(digests.count)
        for (number, digest) in digests.enumerated() { numbers[digest] = number }
        // Every digest is a key of `manifests`: nothing is dropped, so records and numbers align.
        let records = digests.compactMap { repository.manifests[$0] }
        self.digests = digests
        kinds = records.map(\.kind)
        children = records.map { $0.children.compactMap { numbers[$0] } }
        referrers = records.map { $0.referrers.compactMap { numbers[$0] } }
        hasSubject = records.map { $0.subject != nil }
        var subjects: [Int: Link] = [:]
        for (number, record) in records.enumerated() {
            if let subject = record.subject { subjects[number] = Link(digest: subject, number: numbers[subject]) }
        }
        self.subjects = subjects
        locked = records.map(\.lock.isLocked)
        times = records.map(\.time)
        bodySizes = records.map(\.bodySize)
        blobs = records.map(\.blobs)
        var hasParent = [Bool](repeating: false, count: digests.count)
        for list in children { for child in list { hasParent[child] = true } }
        self.hasParent = hasParent
        leftoverPresent = digests.map { repository.leftovers.present.contains($0) }
        dangling = digests.map { repository.leftovers.dangling.contains($0) }

        var tagged = [Bool](repeating: false, count: digests.count)
        var tagsOf = [[String]](repeating: [], count: digests.count)
        for (tag, digest) in repository.tags {
            guard let number = numbers[digest] else { continue }
            tagged[number] = true
            tagsOf[number].append(tag)
        }
        self.tagged = tagged
        self.tagsOf = tagsOf.map { $0.count > 1 ? $0.sorted() : $0 }

        var referrerTagged = [Bool](repeating: false, count: digests.count)
        var referrerTagSubjects: [Int: Link] = [:]
        referrerTags = repository.referrerTags.sorted { $0.key < $1.key }.map { tag, digest in
            let number = numbers[digest]
            let subject = RepositoryInventory.referrerSubject(ofTag: tag)
            if let number {
                referrerTagged[number] = true
                if referrerTagSubjects[number] == nil, let subject {
                    referrerTagSubjects[number] = Link(digest: subject, number: numbers[subject])
                }
            }
            return (tag: tag, number: number, subject: subject, subjectNumber: subject.flatMap { numbers[$0] })
        }
        self.referrerTagged = referrerTagged
        self.referrerTagSubjects = referrerTagSubjects

        // `RepositoryInventory.time(ofTag:)`. Indices are sorted against plain arrays of times and
        // names: moving tuples of strings in the comparator retained and released on every step.
        let entries = Array(repository.tags)
        let entryNumbers = entries.map { numbers[$0.value] }
        let entryTimes = entries.indices.map { position in
            repository.tagTimes[entries[position].key] ?? entryNumbers[position].map { records[$0].time } ?? .unknown
        }
        let keys = entryTimes.map { $0.date?.timeIntervalSinceReferenceDate ?? -Double.infinity }
        let order = entries.indices.sorted { a, b in
            keys[a] != keys[b] ? keys[a] > keys[b] : entries[a].key < entries[b].key
        }
        tagNames = order.map { entries[$0].key }
        var unreadDigests: [Digest] = []
        tagTargets = order.map { entry in
            if let number = entryNumbers[entry] { return number }
            unreadDigests.append(entries[entry].value)
            return -unreadDigests.count
        }
        self.unreadDigests = unreadDigests
        tagTimes = order.map { entryTimes[$0] }
        tagLocked = tagNames.map { repository.lock(ofTag: $0).isLocked }
    }

    /// A manifest, by digest and, when it is in view, by number.
    struct Link {
        var digest: Digest
        var number: Int?
    }

    var manifestCount: Int { digests.count }

    /// What manifest `number` refers to, if it is a referrer.
    func subject(of number: Int) -> Link? { hasSubject[number] ? subjects[number] : nil }

    /// The subject the referrer tag pointing to manifest `number` names, if one points to it.
    func referrerTagSubject(of number: Int) -> Link? { referrerTagged[number] ? referrerTagSubjects[number] : nil }

    /// The number of the manifest the tag at `position` points to; nil when it could not be read.
    func manifestNumber(ofTag position: Int) -> Int? {
        let target = tagTargets[position]
        return target >= 0 ? target : nil
    }

    /// The digest the tag at `position` points to.
    func digest(ofTag position: Int) -> Digest {
        let target = tagTargets[position]
        return target >= 0 ? digests[target] : unreadDigests[-1 - target]
    }

    // A tag pattern's verdict on every tag, by position: the tag phase reads one element per tag
    // and filter instead of hashing the tag's name into a `MatchTable` (a fifth of a re-plan).
    // Patterns used most recently are kept (a verdict is a byte per tag); plans running at once
    // share them under the lock.
    private let matchLock = NSLock()
    private var matchCache: [String: [Bool]] = [:]
    /// Patterns in `matchCache`, least recently used first.
    private var matchOrder: [String] = []
    static let rememberedPatterns = 8

    /// `table`'s verdict on each tag, in the newest-first order.
    func matches(_ table: MatchTable) -> [Bool] {
        let pattern = table.regex.pattern
        let known = matchLock.withLock { () -> [Bool]? in
            guard let known = matchCache[pattern] else { return nil }
            matchOrder.removeAll { $0 == pattern }
            matchOrder.append(pattern)
            return known
        }
        if let known { return known }
        let computed = tagNames.map { table.search($0) }
        matchLock.withLock {
            if matchCache.updateValue(computed, forKey: pattern) == nil { matchOrder.append(pattern) }
            while matchOrder.count > Self.rememberedPatterns { matchCache[matchOrder.removeFirst()] = nil }
        }
        return computed
    }
}

/// Where a repository keeps its index between plans. A repository value shares its slot with its
/// copies; changing anything the index is made of gives the changed value a new, empty slot, so an
/// index always describes the value it is read from.
final class RepositoryIndexSlot: @unchecked Sendable {
    private let lock = NSLock()
    private var index: RepositoryIndex?

    func index(_ make: () -> RepositoryIndex) -> RepositoryIndex {
        lock.withLock {
            if let index { return index }
            let made = make()
            index = made
            return made
        }
    }
}

extension RepositoryInventory {
    /// The repository's index, made on first use and kept until the repository changes.
    var index: RepositoryIndex { indexSlot.index { RepositoryIndex(self) } }
}
