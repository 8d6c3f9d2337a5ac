/// A saved optimizer state that does not fit.
public enum OptimizerError: Error, CustomStringConvertible, Equatable {
  case incompleteState(parameter: String, slots: [String])
  case invalidState(name: String, detail: String)

  public var description: String {
    switch self {
    case .incompleteState(let parameter, let slots):
      return "optimizer state for '\(parameter)' is incomplete: expected slots \(slots.joined(separator: ", "))"
    case .invalidState(let name, let detail):
      return "optimizer state '\(name)' \(detail)"
    }
  }
}
