/// A network that cannot take an environment's observations.
public struct NetworkShapeError: Error, Equatable, Sendable, CustomStringConvertible {
  public var network: NetworkKind
  public var inputShape: [Int]
  public var needs: String

  public var description: String {
    "network '\(network.rawValue)' cannot take observations of shape \(inputShape.map(String.init).joined(separator: "×")): it needs \(needs) (allowed networks: \(NetworkKind.allCases.map(\.rawValue).joined(separator: ", ")); small fits any board)"
  }
}
