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
    /// <remarks>
    /// Row by row, x′[r, c] = x[r − dy, c − dx] is index i = r·columns + c taking index i − (dy·columns + dx): the whole
    /// image moves as one block by dy·columns + dx. That block carries each row's last dx pixels into the next row's first
    /// columns (or, moving left, each row's first into the previous row's last), which are outside the image: they are
    /// set to 0 after it. One copy instead of one per row: `train --recipe best` moved 64 digits per step in 41 µs with
    /// a copy per row, about half of its step (docs/performance-history.md, "Afternoon of 2026-12-05").
    /// </remarks>
    public static void ShiftImage(ReadOnlySpan<byte> image, int rows, int columns, Shift shift, Span<byte> into)
    {
        int n = rows * columns;
        var moved = into[..n];
        if (Math.Abs(shift.Dx) >= columns || Math.Abs(shift.Dy) >= rows)
        {
            moved.Clear();   // moved out of the image altogether
            return;
        }
        int offset = shift.Dy * columns + shift.Dx;
        int to = Math.Max(0, offset), from = Math.Max(0, -offset), length = n - Math.Abs(offset);
        moved[..to].Clear();
        image.Slice(from, length).CopyTo(moved.Slice(to, length));
        moved[(to + length)..].Clear();
        int firstBlack = shift.Dx > 0 ? 0 : columns + shift.Dx, endBlack = shift.Dx > 0 ? shift.Dx : columns;
        for (int r = 0; r < rows; r++)
            for (int c = firstBlack; c < endBlack; c++) moved[r * columns + c] = 0;   // the columns moved in from outside
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
