import Foundation

/// Counts what the registry served, from its own log: distribution writes one access-log line per
/// request (`127.0.0.1 - - [date] "GET /v2/… HTTP/1.1" 200 …`) and one `response completed` line
/// carrying `http.request.remoteaddr`, whose distinct values are the client's connections.
///
/// Reading the server's log, not a proxy in front of it, leaves the client's connections and
/// timing exactly as they would be.
struct AccessLog {
    let path: String

    /// The log's size now: where the next phase's lines start.
    func mark() -> UInt64 {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        return (attributes?[.size] as? NSNumber)?.uint64Value ?? 0
    }

    /// What one phase sent.
    struct Traffic: Sendable {
        var requests = 0
        var byMethod: [String: Int] = [:]
        /// GET/HEAD by endpoint: `catalog`, `tags`, `manifests`, `blobs`, `ping`, `other`.
        var byEndpoint: [String: Int] = [:]
        /// Requests answered with a status of 400 or more.
        var errors = 0
        /// Those, by `STATUS METHOD endpoint`.
        var errorKinds: [String: Int] = [:]
        var connections = 0
        /// Every request's method and URI, in log order.
        var requestLines: [(method: String, uri: String)] = []

        /// `404 HEAD manifests: 12, …`, most frequent first.
        var errorSummary: String {
            errorKinds.sorted { $0.value > $1.value }.map { "\($0.key): \(Format.count($0.value))" }
                .joined(separator: ", ")
        }

        /// `1,234 GET / 567 HEAD`, most frequent first.
        var methodSummary: String {
            byMethod.sorted { $0.value > $1.value }.map { "\(Format.count($0.value)) \($0.key)" }
                .joined(separator: " / ")
        }
    }

    /// Parses the lines written between two marks.
    func traffic(from start: UInt64, to end: UInt64) throws -> Traffic {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: start)
        let data = try handle.read(upToCount: Int(end - start)) ?? Data()
        var traffic = Traffic()
        var remotes: Set<Substring> = []
        let text = String(decoding: data, as: UTF8.self)
        for line in text.split(separator: "\n") {
            if let range = line.range(of: "http.request.remoteaddr=\"") {
                let rest = line[range.upperBound...]
                if let close = rest.firstIndex(of: "\"") { remotes.insert(rest[..<close]) }
                continue
            }
            // The access log: `HOST - USER [DATE] "METHOD URI PROTO" STATUS BYTES "REF" "UA"`.
            guard line.first?.isNumber == true, let open = line.firstIndex(of: "\"") else { continue }
            let request = line[line.index(after: open)...]
            guard let close = request.firstIndex(of: "\"") else { continue }
            let parts = request[..<close].split(separator: " ")
            guard parts.count >= 2 else { continue }
            let method = String(parts[0])
            let uri = String(parts[1])
            let status = Int(request[request.index(after: close)...].split(separator: " ").first ?? "") ?? 0
            traffic.requests += 1
            traffic.byMethod[method, default: 0] += 1
            traffic.byEndpoint[Self.endpoint(of: uri), default: 0] += 1
            if status >= 400 {
                traffic.errors += 1
                traffic.errorKinds["\(status) \(method) \(Self.endpoint(of: uri))", default: 0] += 1
            }
            traffic.requestLines.append((method, uri))
        }
        traffic.connections = remotes.count
        return traffic
    }

    /// The completion times (seconds since 1970) of the requests with `method` between two marks,
    /// from the `response completed` lines' `time="2026-12-02T01:47:55.171517413Z"`.
    func completionTimes(method: String, from start: UInt64, to end: UInt64) throws -> [Double] {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: start)
        let data = try handle.read(upToCount: Int(end - start)) ?? Data()
        var times: [Double] = []
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n")
        where line.contains("http.request.method=\(method) ") && line.contains("msg=\"response completed") {
            guard line.hasPrefix("time=\""), let time = Self.seconds(line.dropFirst(6).prefix(while: { $0 != "\"" }))
            else { continue }
            times.append(time)
        }
        return times
    }

    /// `2026-12-02T01:47:55.171517413Z` as seconds since 1970 (UTC).
    static func seconds(_ text: Substring) -> Double? {
        let parts = text.split(whereSeparator: { "-T:Z".contains($0) })
        guard parts.count >= 6, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            let hour = Double(parts[3]), let minute = Double(parts[4]), let second = Double(parts[5])
        else { return nil }
        // Days from 1970-01-01 to the civil date (Howard Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146097 + dayOfEra - 719468
        return Double(days) * 86400 + hour * 3600 + minute * 60 + second
    }

    /// The kind of API endpoint a URI names.
    static func endpoint(of uri: String) -> String {
        let path = uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? uri
        if path == "/v2/" || path == "/v2" { return "ping" }
        if path.hasPrefix("/v2/_catalog") { return "catalog" }
        if path.hasSuffix("/tags/list") { return "tags" }
        if path.contains("/manifests/") { return "manifests" }
        if path.contains("/blobs/") { return "blobs" }
        return "other"
    }
}
