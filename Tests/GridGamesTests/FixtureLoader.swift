import Foundation
import Testing

/// Reads a file from the test bundle's `Fixtures/` folder.
func fixtureText(_ relativePath: String) throws -> String {
  let base = try #require(Bundle.module.resourceURL, "the test bundle has no resources")
  let url = base.appendingPathComponent("Fixtures").appendingPathComponent(relativePath)
  return try String(contentsOf: url, encoding: .utf8)
}

/// The repository's `Environments/` directory (found from this source file's location).
func repositoryEnvironmentsDirectory() -> URL {
  URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Environments")
}
