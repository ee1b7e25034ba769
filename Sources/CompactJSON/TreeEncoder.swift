import Foundation

/// The `Encoder` behind `CompactJSONEncoder`: records what a value encodes into a tree node.
final class TreeEncoder: Encoder {
    let codingPath: [any CodingKey]
    let style: CompactJSONEncoder
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var value: JSONTree.Value?

    init(codingPath: [any CodingKey], style: CompactJSONEncoder) {
        self.codingPath = codingPath
        self.style = style
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let tree: JSONTree
        if case .object(let existing)? = value {
            tree = existing
        } else {
            tree = JSONTree()
            value = .object(tree)
        }
        return KeyedEncodingContainer(KeyedTreeContainer<Key>(tree: tree, codingPath: codingPath, style: style))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let tree: JSONTree
        if case .array(let existing)? = value {
            tree = existing
        } else {
            tree = JSONTree()
            value = .array(tree)
        }
        return UnkeyedTreeContainer(tree: tree, codingPath: codingPath, style: style)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleTreeContainer(encoder: self)
    }
}

struct KeyedTreeContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let tree: JSONTree
    let codingPath: [any CodingKey]
    let style: CompactJSONEncoder

    private func put(_ value: JSONTree.Value, _ key: Key) {
        tree.members.append((JSONTree.jsonKey(key.stringValue, style), value))
    }

    mutating func encodeNil(forKey key: Key) throws { put(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws {
        put(.bool(value), key)
    }
    mutating func encode(_ value: String, forKey key: Key) throws { put(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        put(try JSONTree.number(value, codingPath: codingPath + [key]), key)
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        put(try JSONTree.number(Double(value), codingPath: codingPath + [key]), key)
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { put(JSONTree.number(value), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { put(JSONTree.number(value), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { put(JSONTree.number(value), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { put(JSONTree.number(value), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { put(JSONTree.number(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { put(JSONTree.number(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { put(JSONTree.number(value), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { put(JSONTree.number(value), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { put(JSONTree.number(value), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { put(JSONTree.number(value), key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        put(try JSONTree.node(for: value, codingPath: codingPath + [key], style: style), key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        let nested = JSONTree()
        put(.object(nested), key)
        return KeyedEncodingContainer(
            KeyedTreeContainer<NestedKey>(tree: nested, codingPath: codingPath + [key], style: style))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = JSONTree()
        put(.array(nested), key)
        return UnkeyedTreeContainer(tree: nested, codingPath: codingPath + [key], style: style)
    }

    mutating func superEncoder() -> any Encoder {
        let tree = self.tree
        return SuperTreeEncoder(codingPath: codingPath, style: style) { tree.members.append(("super", $0)) }
    }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let (tree, name) = (self.tree, JSONTree.jsonKey(key.stringValue, style))
        return SuperTreeEncoder(codingPath: codingPath + [key], style: style) { tree.members.append((name, $0)) }
    }
}

struct UnkeyedTreeContainer: UnkeyedEncodingContainer {
    let tree: JSONTree
    let codingPath: [any CodingKey]
    let style: CompactJSONEncoder
    var count: Int { tree.elements.count }

    private struct Index: CodingKey {
        var intValue: Int?
        var stringValue: String { "Index \(intValue ?? 0)" }
        init(_ value: Int) { intValue = value }
        init?(stringValue: String) { nil }
        init?(intValue: Int) { self.intValue = intValue }
    }

    private var path: [any CodingKey] { codingPath + [Index(count)] }

    mutating func encodeNil() throws { tree.elements.append(.null) }
    mutating func encode(_ value: Bool) throws { tree.elements.append(.bool(value)) }
    mutating func encode(_ value: String) throws { tree.elements.append(.string(value)) }
    mutating func encode(_ value: Double) throws {
        tree.elements.append(try JSONTree.number(value, codingPath: path))
    }
    mutating func encode(_ value: Float) throws {
        tree.elements.append(try JSONTree.number(Double(value), codingPath: path))
    }
    mutating func encode(_ value: Int) throws { tree.elements.append(JSONTree.number(value)) }
    mutating func encode(_ value: Int8) throws { tree.elements.append(JSONTree.number(value)) }
    mutating func encode(_ value: Int16) throws { tree.elements.append(JSONTree.number(value)) }
    mutating func encode(_ value: Int32) throws { tree.elements.append(JSONTree.number(value)) }
    mutating func encode(_ value: Int64) throws { tree.elements.append(JSONTree.number(value)) }
    mutating func encode(_ value: UInt) throws { tree.elements.append(JSONTree.number(value)) }
    mutating func encode(_ value: UInt8) throws { tree.elements.append(JSONTree.number(value)) }
    mutating func encode(_ value: UInt16) throws { tree.elements.append(JSONTree.number(value)) }
    mutating func encode(_ value: UInt32) throws { tree.elements.append(JSONTree.number(value)) }
    mutating func encode(_ value: UInt64) throws { tree.elements.append(JSONTree.number(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        tree.elements.append(try JSONTree.node(for: value, codingPath: path, style: style))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        let nested = JSONTree()
        let nestedPath = path
        tree.elements.append(.object(nested))
        return KeyedEncodingContainer(KeyedTreeContainer<NestedKey>(tree: nested, codingPath: nestedPath, style: style))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = JSONTree()
        let nestedPath = path
        tree.elements.append(.array(nested))
        return UnkeyedTreeContainer(tree: nested, codingPath: nestedPath, style: style)
    }

    mutating func superEncoder() -> any Encoder {
        let (tree, slot, nestedPath) = (self.tree, tree.elements.count, path)
        tree.elements.append(.null)
        return SuperTreeEncoder(codingPath: nestedPath, style: style) { tree.elements[slot] = $0 }
    }
}

struct SingleTreeContainer: SingleValueEncodingContainer {
    let encoder: TreeEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    func set(_ value: JSONTree.Value) { encoder.value = value }

    mutating func encodeNil() throws { set(.null) }
    mutating func encode(_ value: Bool) throws { set(.bool(value)) }
    mutating func encode(_ value: String) throws { set(.string(value)) }
    mutating func encode(_ value: Double) throws { set(try JSONTree.number(value, codingPath: codingPath)) }
    mutating func encode(_ value: Float) throws { set(try JSONTree.number(Double(value), codingPath: codingPath)) }
    mutating func encode(_ value: Int) throws { set(JSONTree.number(value)) }
    mutating func encode(_ value: Int8) throws { set(JSONTree.number(value)) }
    mutating func encode(_ value: Int16) throws { set(JSONTree.number(value)) }
    mutating func encode(_ value: Int32) throws { set(JSONTree.number(value)) }
    mutating func encode(_ value: Int64) throws { set(JSONTree.number(value)) }
    mutating func encode(_ value: UInt) throws { set(JSONTree.number(value)) }
    mutating func encode(_ value: UInt8) throws { set(JSONTree.number(value)) }
    mutating func encode(_ value: UInt16) throws { set(JSONTree.number(value)) }
    mutating func encode(_ value: UInt32) throws { set(JSONTree.number(value)) }
    mutating func encode(_ value: UInt64) throws { set(JSONTree.number(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        set(try JSONTree.node(for: value, codingPath: codingPath, style: encoder.style))
    }
}

/// A container's `superEncoder`: what is encoded into it takes its place (a member or an
/// element) when the encoder is released.
final class SuperTreeEncoder: Encoder {
    let inner: TreeEncoder
    let place: (JSONTree.Value) -> Void
    var codingPath: [any CodingKey] { inner.codingPath }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(codingPath: [any CodingKey], style: CompactJSONEncoder, place: @escaping (JSONTree.Value) -> Void) {
        inner = TreeEncoder(codingPath: codingPath, style: style)
        self.place = place
    }

    deinit { place(inner.value ?? .object(JSONTree())) }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        inner.container(keyedBy: type)
    }
    func unkeyedContainer() -> any UnkeyedEncodingContainer { inner.unkeyedContainer() }
    func singleValueContainer() -> any SingleValueEncodingContainer { inner.singleValueContainer() }
}
