import ArgumentParser
import NeuralNetwork

/// `--without`: fast paths to turn off (`bench nn`, `bench train`), to measure what each gains.
struct FastPathsOption: ParsableArguments {
  @Option(help: "Fast paths to turn off, comma-separated (their names are below, or all).")
  var without: String?

  func validate() throws { _ = try disabledPaths() }

  /// The paths `--without` names.
  func disabledPaths() throws -> FastPaths {
    guard let without else { return [] }
    var paths: FastPaths = []
    for name in without.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
      if name == "all" {
        paths = .all
      } else if let named = FastPaths.named.first(where: { $0.name == name }) {
        paths.formUnion(named.paths)
      } else {
        throw ValidationError("--without: no fast path named '\(name)' (paths: \(FastPaths.named.map(\.name).joined(separator: ", ")), all)")
      }
    }
    return paths
  }

  /// Sets `FastPaths.standard` for the layers built from now on: the processor's default less these.
  func apply() throws {
    FastPaths.standard = FastPaths.processorDefault.subtracting(try disabledPaths())
  }
}
