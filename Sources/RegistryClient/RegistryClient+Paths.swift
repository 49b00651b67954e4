import Foundation

/// Request paths, built only from names that passed the spec's grammar: nothing a registry (or a
/// caller) names reaches a path unchecked.
extension RegistryClient {
    /// `/v2/<repository>/manifests/<tag or digest>`.
    func manifestURL(repository: String, reference: String) throws(RegistryError) -> URL {
        try url("/v2/\(try Self.checked(repository: repository))/manifests/\(try Self.checked(reference: reference))")
    }

    /// `/v2/<repository>/blobs/<digest>`.
    func blobURL(repository: String, digest: Digest) throws(RegistryError) -> URL {
        try url("/v2/\(try Self.checked(repository: repository))/blobs/\(digest)")
    }

    /// A repository name fit for a request path, or an error naming it (escaped).
    static func checked(repository: String) throws(RegistryError) -> String {
        guard ReferenceGrammar.isValidRepository(repository) else {
            throw RegistryError(
                .invalidName, "'\(SafeText.escape(repository))' is not a valid repository name",
                hint: "repository names are lowercase path components such as team/my-app")
        }
        return repository
    }

    /// A tag or a digest regsweep can verify, fit for a request path, or an error naming it.
    static func checked(reference: String) throws(RegistryError) -> String {
        if reference.contains(":") {
            guard let digest = Digest(reference) else {
                throw RegistryError(.invalidName, "'\(SafeText.escape(reference))' is not a valid digest")
            }
            guard digest.isVerifiable else {
                throw RegistryError(
                    .invalidName, "the digest algorithm \(digest.algorithm) cannot be verified",
                    hint: "only sha256 and sha512 digests are trusted")
            }
        } else {
            guard ReferenceGrammar.isValidTag(reference) else {
                throw RegistryError(
                    .invalidName, "'\(SafeText.escape(reference))' is not a valid tag",
                    hint: "tags are up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'")
            }
        }
        return reference
    }
}
