import ArgumentParser

/// `--json`: figures as one JSON object per line instead of text (`bench nn`, `bench env`, `bench train`).
struct JSONOutputOption: ParsableArguments {
  @Flag(help: "Print one JSON object per figure.")
  var json = false
}
