/// Runs one operation per element concurrently, at most `window` at a time, and returns each
/// element's result in the elements' order: a failure is an answer for that element, not the end
/// of the others.
enum Concurrently {
    static func results<Element: Sendable, Value: Sendable>(
        _ elements: [Element], window: Int, done: ((Int) -> Void)? = nil,
        _ operation: @escaping @Sendable (Element) async throws -> Value
    ) async -> [Result<Value, any Error>] {
        await withTaskGroup(of: (Int, Result<Value, any Error>).self) { group in
            var next = elements.indices.makeIterator()
            func startNext() {
                guard let index = next.next() else { return }
                let element = elements[index]
                group.addTask {
                    do {
                        return (index, .success(try await operation(element)))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            for _ in 0..<max(1, window) { startNext() }
            var results = [Result<Value, any Error>?](repeating: nil, count: elements.count)
            var finished = 0
            for await (index, result) in group {
                results[index] = result
                finished += 1
                done?(finished)
                startNext()
            }
            return results.map { $0 ?? .failure(CancellationError()) }
        }
    }
}
