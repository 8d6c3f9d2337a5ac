import Foundation
import Testing

@testable import NeuralNetwork

@Suite struct DataTests {
  @Test func readsTheRealMNISTSubset() throws {
    let data = try Dataset.load(datasetPath("mnist-4k"))
    #expect(data.count == 4000)
    #expect(data.sampleShape == [1, 28, 28])
    #expect(Set(data.labels) == Set(0..<10))
    #expect(data.images.scalars.allSatisfy { (0...1).contains($0) })
  }

  @Test func readsTheDigitsCSV() throws {
    let data = try Dataset.load(datasetPath("digits/digits.csv.gz"))
    #expect(data.count == 1797)
    #expect(data.sampleShape == [1, 8, 8])
  }

  @Test func readsUncompressedIDXWithMNISTNames() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("idx-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try Data([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 1, 255, 0, 51, 102]).write(to: directory.appendingPathComponent("t10k-images-idx3-ubyte"))
    try Data([0, 0, 8, 1, 0, 0, 0, 2, 7, 3]).write(to: directory.appendingPathComponent("t10k-labels-idx1-ubyte"))
    let data = try Dataset.load(directory.path)
    #expect(data.labels == [7, 3])
    #expect(data.images.shape == [2, 1, 2, 1])
    #expect(data.images.scalars == [1, 0, 0.2, 0.4])
  }

  @Test func badFilesGiveClearErrors() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let images = directory.appendingPathComponent("x-images-idx3-ubyte")
    let labels = directory.appendingPathComponent("x-labels-idx1-ubyte")
    // Truncated: the header promises 2 images of 2×1 but only 3 pixels follow.
    try Data([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 1, 255, 0, 51]).write(to: images)
    try Data([0, 0, 8, 1, 0, 0, 0, 2, 7, 3]).write(to: labels)
    #expect { try Dataset.load(directory.path) } throws: { ($0 as? DataError).map { "\($0)".contains("truncated") } ?? false }
    // Label outside the classes.
    try Data([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 1, 255, 0, 51, 1]).write(to: images)
    try Data([0, 0, 8, 1, 0, 0, 0, 2, 7, 12]).write(to: labels)
    #expect(throws: DataError.labelOutOfRange(file: labels.path, index: 1, label: 12, classes: 10)) { try Dataset.load(directory.path) }
    // Wrong magic.
    try Data([0, 0, 8, 9, 0, 0, 0, 0]).write(to: labels)
    #expect { try Dataset.load(directory.path) } throws: { "\($0)".contains("magic number") }
    // Missing directory and a directory without data files.
    #expect(throws: DataError.missing(file: directory.path + "/nope")) { try Dataset.load(directory.path + "/nope") }
    try FileManager.default.removeItem(at: labels)
    #expect { try Dataset.load(directory.path) } throws: { "\($0)".contains("labels-idx1-ubyte") }
    // A malformed CSV line.
    let csv = directory.appendingPathComponent("digits.csv")
    try "1,2,3\n".write(to: csv, atomically: true, encoding: .utf8)
    #expect { try Dataset.load(csv.path) } throws: { "\($0)".contains("line 1 has 3 fields") }
    // A corrupt gzip stream.
    try Data([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]).write(to: csv)
    #expect(throws: DataError.self) { try Dataset.load(csv.path) }
  }

  @Test func splitIsSeededAndDisjoint() throws {
    let data = try Dataset.load(datasetPath("digits/digits.csv.gz"))
    var rng1 = SplitMix64(seed: 1)
    var rng2 = SplitMix64(seed: 1)
    let (trainA, validationA) = data.split(validationFraction: 0.2, using: &rng1)
    let (_, validationB) = data.split(validationFraction: 0.2, using: &rng2)
    #expect(validationA.labels == validationB.labels)
    #expect(trainA.count + validationA.count == data.count)
    #expect(validationA.count == 359)
  }

  @Test func augmentationWithNoChangeIsTheIdentity() {
    var rng = SplitMix64(seed: 2)
    let image = Tensor(shape: [1, 1, 5, 5], scalars: (0..<25).map { _ in rng.nextUniform() })
    var output = Tensor.empty
    Augmentation(maxShift: 0, maxRotationDegrees: 0, minCropScale: 1).apply(image, into: &output, using: &rng)
    for i in 0..<25 { #expect(abs(output[flat: i] - image[flat: i]) < 1e-5) }
  }

  @Test func augmentationFlipsAndShifts() {
    var rng = SplitMix64(seed: 2)
    let image = Tensor(shape: [1, 1, 1, 4], scalars: [1, 2, 3, 4])
    var output = Tensor.empty
    var flipped = false
    for _ in 0..<10 {
      Augmentation(maxShift: 0, maxRotationDegrees: 0, minCropScale: 1, horizontalFlip: true).apply(image, into: &output, using: &rng)
      if output.scalars.map({ ($0 * 1000).rounded() / 1000 }) == [4, 3, 2, 1] { flipped = true }
    }
    #expect(flipped)
    let shifted = Tensor(shape: [1, 1, 3, 3], scalars: [0, 0, 0, 0, 1, 0, 0, 0, 0])
    Augmentation(maxShift: 1, maxRotationDegrees: 0, minCropScale: 1).apply(shifted, into: &output, using: &rng)
    #expect(abs(output.sum() - 1) < 0.5)  // mass moves, it is not created
  }
}

@Suite struct TrainingCountSplitTests {
  /// `--train-limit N`: N images drawn by the seed, every other image held out, none in both.
  @Test func trainsOnNImagesAndHoldsOutAllTheOthers() throws {
    let data = try Dataset.load(datasetPath("digits/digits.csv.gz"))
    var first = SplitMix64(seed: 9)
    var second = SplitMix64(seed: 9)
    let (train, heldOut) = data.split(trainingCount: 100, using: &first)
    let (again, _) = data.split(trainingCount: 100, using: &second)
    #expect(train.count == 100 && heldOut.count == data.count - 100)
    #expect(train.images == again.images && train.labels == again.labels)
    // Every image lands on exactly one side: the multisets of rows add up to the data set's.
    func rows(_ set: Dataset) -> [[Float]] {
      (0..<set.count).map { Array(set.images.scalars[($0 * 64)..<(($0 + 1) * 64)]) + [Float(set.labels[$0])] }
    }
    let all = rows(data).map { $0.description }.sorted()
    #expect((rows(train) + rows(heldOut)).map { $0.description }.sorted() == all)
    var other = SplitMix64(seed: 10)
    #expect(data.split(trainingCount: 100, using: &other).train.labels != train.labels)
  }
}
