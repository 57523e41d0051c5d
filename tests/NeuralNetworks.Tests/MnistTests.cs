using System.Security.Cryptography;
using NeuralNetworks.Data;

namespace NeuralNetworks.Tests;

/// <summary>Tests on the four real MNIST files in the repository's data/mnist folder.</summary>
[Trait("Category", Category.Mnist)]
public sealed class MnistTests : IDisposable
{
    // The tests run in bin/…/net10.0; the data sits at the repository root, several folders up.
    private static readonly string DataDirectory = Mnist.FindDataDirectory(AppContext.BaseDirectory);

    private readonly string folder = Directory.CreateTempSubdirectory("nn-mnist-tests-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void FindDataDirectory_walks_up_from_the_test_binaries_to_the_repository_data()
    {
        string found = Mnist.FindDataDirectory(AppContext.BaseDirectory);

        Assert.EndsWith(Path.Combine("data", "mnist"), found);
        Assert.True(File.Exists(Path.Combine(found, Mnist.TrainingImagesFile)));
        Assert.StartsWith(Path.GetFullPath(Path.Combine(found, "..", "..")), AppContext.BaseDirectory);
    }

    [Fact]
    public void FindDataDirectory_lists_where_it_looked_when_there_is_no_data()
    {
        var e = Assert.Throws<DirectoryNotFoundException>(() => Mnist.FindDataDirectory(folder));

        Assert.Contains(Path.Combine(folder, "data", "mnist"), e.Message);
        Assert.Contains("data/mnist/train-images-idx3-ubyte.gz", e.Message);
    }

    [Fact]
    public void The_published_hashes_match_the_bundled_files()
    {
        Assert.Equal(4, Mnist.Sha256.Count);
        foreach (var (file, expected) in Mnist.Sha256)
            Assert.Equal(expected, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(DataDirectory, file)))));
    }

    [Fact]
    public void The_training_set_has_60000_images_of_28_by_28_and_starts_with_a_5()
    {
        var training = Mnist.LoadTraining(DataDirectory);

        Assert.Equal(("MNIST training", 60_000, 784, 10), (training.Name, training.Count, training.InputSize, training.ClassCount));
        Assert.Equal((28, 28), (training.ImageRows, training.ImageColumns));
        Assert.Equal(5, training.Label(0));
    }

    [Fact]
    public void The_test_set_has_10000_images_of_28_by_28_and_starts_with_a_7()
    {
        var test = Mnist.LoadTest(DataDirectory);

        Assert.Equal(("MNIST test", 10_000, 784, 10), (test.Name, test.Count, test.InputSize, test.ClassCount));
        Assert.Equal((28, 28), (test.ImageRows, test.ImageColumns));
        Assert.Equal(7, test.Label(0));
    }

    [Fact]
    public void Load_returns_both_sets_and_the_same_objects_on_a_second_call()
    {
        var first = Mnist.Load(DataDirectory);
        var second = Mnist.Load(DataDirectory + Path.DirectorySeparatorChar);

        Assert.Same(first.Training, second.Training);
        Assert.Same(first.Test, second.Test);
        Assert.Same(first.Test, Mnist.LoadTest(DataDirectory, verifyChecksums: false));
    }

    [Fact]
    public void Pixels_are_intensities_from_0_to_1_and_the_first_digit_has_the_known_ink()
    {
        var training = Mnist.LoadTraining(DataDirectory);
        var first = training.Image(0);

        Assert.All(first, x => Assert.InRange(x, 0.0, 1.0));
        Assert.Equal(0.0, first.Minimum());
        Assert.Equal(1.0, first.Maximum());
        Assert.Equal(166, first.Count(x => x > 0)); // the first "5" covers 166 of its 784 pixels
        Assert.Equal(255, training.AllPixelBytes.ToArray().Max());
    }

    [Fact]
    public void Image_element_28r_plus_c_is_ImageMatrix_entry_r_c()
    {
        var test = Mnist.LoadTest(DataDirectory);

        foreach (int i in new[] { 0, 1234, 9999 })
        {
            var image = test.Image(i);
            var matrix = test.ImageMatrix(i);
            for (int r = 0; r < 28; r++)
                for (int c = 0; c < 28; c++)
                    Assert.Equal(image[28 * r + c], matrix[r, c]);
        }
    }

    [Fact]
    public void The_label_histograms_are_the_known_MNIST_counts_and_sum_to_the_set_sizes()
    {
        var data = Mnist.Load(DataDirectory);

        int[] Histogram(DataSet set) => Enumerable.Range(0, 10).Select(d => set.Labels.Count(label => label == d)).ToArray();
        int[] training = Histogram(data.Training), test = Histogram(data.Test);

        Assert.Equal([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949], training);
        Assert.Equal([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009], test);
        Assert.Equal(60_000, training.Sum());
        Assert.Equal(10_000, test.Sum());
    }

    [Fact]
    public void A_file_with_one_byte_changed_fails_the_checksum_naming_the_file_and_both_hashes()
    {
        File.Copy(Path.Combine(DataDirectory, Mnist.TestImagesFile), Path.Combine(folder, Mnist.TestImagesFile));
        var labels = File.ReadAllBytes(Path.Combine(DataDirectory, Mnist.TestLabelsFile));
        labels[^1] ^= 1;
        string changed = Path.Combine(folder, Mnist.TestLabelsFile);
        File.WriteAllBytes(changed, labels);

        var e = Assert.Throws<InvalidDataException>(() => Mnist.LoadTest(folder));

        Assert.Contains(changed, e.Message);
        Assert.Contains("SHA-256 mismatch", e.Message);
        Assert.Contains(Mnist.Sha256[Mnist.TestLabelsFile], e.Message);
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(labels)), e.Message);
    }

    [Fact]
    public void A_missing_file_is_reported_with_its_path_and_where_MNIST_is_expected()
    {
        File.Copy(Path.Combine(DataDirectory, Mnist.TestLabelsFile), Path.Combine(folder, Mnist.TestLabelsFile));

        var e = Assert.Throws<FileNotFoundException>(() => Mnist.LoadTest(folder));

        Assert.Equal(Path.Combine(folder, Mnist.TestImagesFile), e.FileName);
        Assert.Contains(Path.Combine(folder, Mnist.TestImagesFile), e.Message);
        Assert.Contains("data/mnist", e.Message);
    }
}
