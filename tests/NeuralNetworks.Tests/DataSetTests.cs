using NeuralNetworks.Data;

namespace NeuralNetworks.Tests;

public sealed class DataSetTests
{
    /// <summary>Twenty 2×2 "images": every pixel of example i is the byte i, and its label is i mod 3.</summary>
    private static DataSet Twenty() => new(
        Enumerable.Range(0, 20).SelectMany(i => Enumerable.Repeat((byte)i, 4)).ToArray(),
        Enumerable.Range(0, 20).Select(i => (byte)(i % 3)).ToArray(),
        inputSize: 4, classCount: 3, name: "twenty");

    /// <summary>Which original example a row of <see cref="Twenty"/> came from: its first pixel byte.</summary>
    private static int[] Origins(DataSet set) => Enumerable.Range(0, set.Count).Select(i => (int)set.PixelBytes(i)[0]).ToArray();

    [Fact]
    public void A_sample_is_the_same_for_the_same_seed_and_has_no_duplicates()
    {
        var first = Origins(Twenty().Sample(10, seed: 42));
        var again = Origins(Twenty().Sample(10, seed: 42));
        var other = Origins(Twenty().Sample(10, seed: 43));

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Equal(10, first.Distinct().Count());
        Assert.Equal(20, Origins(Twenty().Sample(20, seed: 7)).Distinct().Count());
    }

    [Fact]
    public void Split_keeps_the_first_examples_in_one_part_and_the_rest_in_the_other()
    {
        var (first, second) = Twenty().Split(15, "training", "validation");

        Assert.Equal(Enumerable.Range(0, 15), Origins(first));
        Assert.Equal(Enumerable.Range(15, 5), Origins(second));
        Assert.Equal(("training", "validation"), (first.Name, second.Name));
        Assert.Equal(second.PixelBytes(0)[0] % 3, second.Label(0));
        Assert.Equal("twenty [0..15)", Twenty().Split(15).First.Name);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    [InlineData(-1)]
    public void Split_refuses_an_empty_part(int firstCount)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Twenty().Split(firstCount));
        Assert.Contains("20 examples", error.Message);
    }

    [Fact]
    public void A_sample_keeps_each_image_with_its_label()
    {
        var sample = Twenty().Sample(8, seed: 5);

        for (int j = 0; j < sample.Count; j++)
            Assert.Equal(sample.PixelBytes(j)[0] % 3, sample.Label(j));
    }

    [Fact]
    public void Slice_Take_and_Select_hold_the_chosen_examples_in_order()
    {
        var data = Twenty();

        Assert.Equal([5, 6, 7], Origins(data.Slice(5, 3)));
        Assert.Equal([0, 1, 2, 3], Origins(data.Take(4)));
        Assert.Equal(20, data.Take(100).Count);
        Assert.Equal(0, data.Take(-1).Count);
        Assert.Equal([19, 0, 19], Origins(data.Select([19, 0, 19])));
        Assert.Equal([1, 0, 1], data.Select([19, 0, 19]).Labels);
        Assert.Equal("twenty [5..8)", data.Slice(5, 3).Name);
        Assert.Equal((2, 2, 3), (data.Slice(5, 3).ImageRows, data.Slice(5, 3).ImageColumns, data.Slice(5, 3).ClassCount));
    }

    [Fact]
    public void A_range_past_the_end_is_rejected_even_when_start_plus_count_overflows()
    {
        var data = Twenty();

        Assert.Throws<ArgumentOutOfRangeException>(() => data.Slice(18, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Slice(1, int.MaxValue));
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Images(1, int.MaxValue));
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Select([20]));
    }

    [Fact]
    public void Images_have_one_column_per_example_with_pixels_divided_by_255()
    {
        var images = Twenty().Images(3, 2);

        Assert.Equal((4, 2), (images.RowCount, images.ColumnCount));
        Assert.Equal(3 / 255.0, images[0, 0]);
        Assert.Equal(4 / 255.0, images[3, 1]);
    }

    [Fact]
    public void Targets_are_one_hot_columns_with_a_1_at_the_label()
    {
        var y = Twenty().Targets(4, 3); // labels 1, 2, 0

        Assert.Equal((3, 3), (y.RowCount, y.ColumnCount));
        Assert.Equal(new double[,] { { 0, 0, 1 }, { 1, 0, 0 }, { 0, 1, 0 } }, y.ToArray());
        Assert.Equal([0.0, 0.0, 1.0], Twenty().Target(5).ToArray());
        Assert.Equal([0.0, 0, 0, 0, 0, 0, 0, 1, 0, 0], DataSet.OneHot(7).ToArray());
    }

    [Fact]
    public void A_label_outside_the_classes_is_rejected_naming_the_example()
    {
        var e = Assert.Throws<ArgumentException>(() => new DataSet(new byte[8], [0, 10], inputSize: 4, classCount: 10, name: "bad"));

        Assert.Contains("label 10 of example 1", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => DataSet.OneHot(10));
        Assert.Throws<ArgumentOutOfRangeException>(() => DataSet.OneHot(-1));
    }

    [Fact]
    public void Pixels_that_do_not_make_whole_inputs_are_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new DataSet(new byte[7], [0, 1], inputSize: 4, name: "short"));

        Assert.Contains("7 pixel bytes do not make 2 inputs of 4", e.Message);
    }

    [Fact]
    public void An_image_shape_must_hold_exactly_the_inputs()
    {
        Assert.Throws<ArgumentException>(() => new DataSet(new byte[4], [0], inputSize: 4, imageRows: 3, imageColumns: 2));
        Assert.Throws<ArgumentException>(() => new DataSet(new byte[4], [0], inputSize: 4, imageRows: -2, imageColumns: -2));
        Assert.Throws<ArgumentException>(() => new DataSet(new byte[6], [0], inputSize: 6, imageRows: 4));
        Assert.Equal((2, 3), (new DataSet(new byte[6], [0], inputSize: 6, imageRows: 2, imageColumns: 3) is var d ? (d.ImageRows, d.ImageColumns) : default));
        Assert.Equal((2, 2), (Twenty().ImageRows, Twenty().ImageColumns));
    }

    [Fact]
    public void Labels_cannot_be_changed_through_the_list_they_are_read_from()
    {
        var data = new DataSet([0, 0, 0, 0], [1, 2], inputSize: 2, classCount: 3);
        Assert.False(data.Labels is byte[]);
        Assert.Throws<NotSupportedException>(() => ((IList<byte>)data.Labels)[0] = 0);
        Assert.Equal(1, data.Label(0));
    }
}
