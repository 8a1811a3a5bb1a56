extension Array {
    /// Moves every element out and leaves the array empty. An empty array allocates nothing: the
    /// sans-IO layers are asked for their queued events and messages several times per packet, and
    /// most of those asks find nothing (`removeAll(keepingCapacity:)` after handing the elements out
    /// would allocate a fresh buffer every time, because the caller still holds the old one).
    package mutating func takeAll() -> [Element] {
        if isEmpty { return [] }
        var taken: [Element] = []
        swap(&taken, &self)
        return taken
    }
}
