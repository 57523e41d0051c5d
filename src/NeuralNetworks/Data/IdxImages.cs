namespace NeuralNetworks.Data;

/// <summary>The images of an IDX file: <see cref="Count"/> images of <see cref="Rows"/>×<see cref="Columns"/>
/// bytes, image after image, each row by row (pixel (r, c) of image i is at i·Rows·Columns + Columns·r + c).</summary>
/// <param name="Pixels">The pixel bytes 0–255, Count·Rows·Columns of them.</param>
/// <param name="Count">How many images.</param>
/// <param name="Rows">Rows of one image (28 for MNIST).</param>
/// <param name="Columns">Columns of one image (28 for MNIST).</param>
public sealed record IdxImages(byte[] Pixels, int Count, int Rows, int Columns);
