/// An environment built around another one, which it exposes as `base`.
public protocol EnvironmentWrapper: Environment {
  associatedtype Base: Environment
  /// The wrapped environment.
  var base: Base { get }
}
