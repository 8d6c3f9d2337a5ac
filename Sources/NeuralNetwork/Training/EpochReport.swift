/// What one epoch of supervised training achieved.
public struct EpochReport: Sendable {
  /// The epoch, counting from 1.
  public var epoch: Int
  /// The learning rate used throughout the epoch.
  public var learningRate: Float
  /// The mean training loss over the epoch's samples.
  public var loss: Float
  public var trainAccuracy: Double
  /// The accuracy on the validation data after the epoch, when there is any.
  public var validationAccuracy: Double?
  public var imagesPerSecond: Double
  public var seconds: Double
}
