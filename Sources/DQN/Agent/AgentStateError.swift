/// A saved agent state that does not fit the agent it is restored into.
public struct AgentStateError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The part of the state at fault.
  public enum Part: String, Sendable {
    case onlineNetwork = "online network"
    case targetNetwork = "target network"
    case optimizer
  }

  public var part: Part
  /// What does not fit (names the tensor or slot).
  public var detail: String

  public init(part: Part, detail: String) {
    self.part = part
    self.detail = detail
  }

  public var description: String { "the saved \(part.rawValue) does not fit the agent: \(detail)" }
}
