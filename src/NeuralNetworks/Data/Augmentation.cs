using MathNet.Numerics.LinearAlgebra;

namespace NeuralNetworks.Data;

/// <summary>One image's move for data augmentation: <see cref="Dx"/> pixels to the right, <see cref="Dy"/> down.</summary>
/// <param name="Dx">Columns to the right (negative: to the left).</param>
/// <param name="Dy">Rows down (negative: up).</param>
public readonly record struct Shift(int Dx, int Dy);

/// <summary>
/// Data augmentation: new training examples made from old ones by changes that keep the label. A digit moved a
/// pixel or two is still the same digit, so training on moved copies teaches the network that position does
/// not matter much, without a single new labelled image.
/// </summary>
public static class Augmentation
{
    /// <summary>
    /// The image moved by (dx, dy): x′[r, c] = x[r − dy, c − dx], and 0 (black) where that falls outside the image.
    /// </summary>
    /// <param name="image">rows × columns bytes, row after row.</param>
    /// <param name="rows">Image height.</param>
    /// <param name="columns">Image width.</param>
    /// <param name="shift">How far to move it.</param>
    /// <param name="into">rows × columns bytes for the result (not overlapping <paramref name="image"/>).</param>
    public static void ShiftImage(ReadOnlySpan<byte> image, int rows, int columns, Shift shift, Span<byte> into)
    {
        into[..(rows * columns)].Clear();
        for (int r = Math.Max(0, shift.Dy); r < Math.Min(rows, rows + shift.Dy); r++)
        {
            int c0 = Math.Max(0, shift.Dx), c1 = Math.Min(columns, columns + shift.Dx);
            image.Slice((r - shift.Dy) * columns + c0 - shift.Dx, c1 - c0).CopyTo(into.Slice(r * columns + c0, c1 - c0));
        }
    }

    /// <summary>The examples <paramref name="indices"/> of <paramref name="data"/>, example j moved by
    /// <paramref name="shifts"/>[j], as one matrix with one column per example (entries pixel/255, as
    /// <see cref="DataSet.Images(IReadOnlyList{int})"/>).</summary>
    public static Matrix<double> ShiftedImages(DataSet data, IReadOnlyList<int> indices, IReadOnlyList<Shift> shifts)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (indices.Count != shifts.Count) throw new ArgumentException($"{indices.Count} examples but {shifts.Count} shifts.", nameof(shifts));
        var X = Matrix<double>.Build.Dense(data.InputSize, indices.Count);
        var moved = new byte[data.InputSize];
        for (int j = 0; j < indices.Count; j++)
        {
            ShiftImage(data.PixelBytes(indices[j]), data.ImageRows, data.ImageColumns, shifts[j], moved);
            for (int k = 0; k < moved.Length; k++) X[k, j] = moved[k] / 255.0;
        }
        return X;
    }

    /// <summary>A random shift for each of <paramref name="count"/> examples, dx and dy each uniform in
    /// {−<paramref name="maxShift"/>, …, <paramref name="maxShift"/>}, drawn in order (dx then dy) from <paramref name="random"/>.</summary>
    public static Shift[] RandomShifts(Random random, int count, int maxShift)
    {
        ArgumentNullException.ThrowIfNull(random);
        var shifts = new Shift[count];
        for (int j = 0; j < count; j++)
        {
            int dx = random.Next(-maxShift, maxShift + 1);
            shifts[j] = new Shift(dx, random.Next(-maxShift, maxShift + 1));
        }
        return shifts;
    }
}
