using System.Buffers.Binary;
using System.IO.Compression;

namespace NeuralNetworks.Data;

/// <summary>
/// Decompresses a gzip file (RFC 1952) and trusts none of its bytes: every member's header is parsed, its
/// deflate data inflated, and its trailer (CRC-32 and ISIZE, the length mod 2³²) compared with what came out.
/// A file cut short, a damaged trailer, or bytes after the last member each end in an
/// <see cref="InvalidDataException"/> that names the file and says which of these it is.
/// </summary>
/// <remarks>
/// .NET's <see cref="GZipStream"/> accepts a member whose trailer is missing and ignores bytes after the last
/// member, so this class parses the gzip framing itself and lets <see cref="DeflateStream"/> do only the inflating.
/// The whole compressed file is held in memory (it is smaller than the data it holds); the trailer of a member
/// is found as the first place after the start of its deflate data (at least 2 bytes) where its CRC-32 and length appear.
/// </remarks>
internal sealed class GzipFile : Stream
{
    private readonly byte[] compressed;
    private readonly string file;
    private uint crc;                // CRC-32 of what the current member inflated so far
    private DeflateStream? member;   // the member being inflated, null between members
    private int memberStart;         // where that member's header starts
    private int dataStart;           // where its deflate data starts
    private int next;                // where the next member (or the end) is, once a member is finished
    private int memberNumber;
    private long memberLength;       // bytes inflated from the current member
    private bool finished;
    private readonly bool verifiedByHash;

    /// <summary>Starts reading <paramref name="compressed"/>, the bytes of <paramref name="file"/> (named in messages).</summary>
    /// <param name="compressed">The whole file.</param>
    /// <param name="file">Its path, for messages.</param>
    /// <param name="verifiedByHash">The bytes were found equal to a published file of one member by their SHA-256 (as
    /// <see cref="Mnist"/> checks the bundled files): inflating them gives that file's data, so the CRC-32 of what comes out
    /// (measured: loading MNIST in <c>train</c> 0.44 → 0.40 s without it) is not computed, and the trailer is the last
    /// 8 bytes; its length is still checked.</param>
    public GzipFile(byte[] compressed, string file, bool verifiedByHash = false)
    {
        this.compressed = compressed;
        this.file = file;
        this.verifiedByHash = verifiedByHash;
    }

    /// <summary>ISIZE of the last member as the file's last four bytes claim it: the decompressed size mod 2³²
    /// for a file of one member. A hint only (a file can hold several members, or be damaged).</summary>
    public uint LastSizeField => compressed.Length >= 18 ? BinaryPrimitives.ReadUInt32LittleEndian(compressed.AsSpan(^4)) : 0;

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) return 0;
        while (!finished)
        {
            member ??= StartMember();
            int got;
            try
            {
                got = member.Read(buffer);
            }
            catch (InvalidDataException e)
            {
                // .NET's own words here name the wrong cause ("compressed using an unsupported compression method"):
                // say what it is, and keep them only as the inner exception.
                throw Invalid($"the file is damaged: {(memberNumber == 1 ? "its" : $"gzip member {memberNumber}'s")} compressed (deflate) data " +
                              $"breaks off after {memberLength:N0} bytes were decompressed", e);
            }
            if (got > 0)
            {
                if (!verifiedByHash) crc = Crc32.Append(crc, buffer[..got]);
                memberLength += got;
                return got;
            }
            FinishMember();
        }
        return 0;
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <summary>Parses the member header at <see cref="next"/> (RFC 1952 §2.3) and starts inflating after it.</summary>
    private DeflateStream StartMember()
    {
        memberStart = next;
        memberNumber++;
        memberLength = 0;
        crc = 0;
        var bytes = compressed.AsSpan();
        int p = memberStart;
        string where = memberNumber == 1 ? "the gzip header" : $"the header of gzip member {memberNumber} (at byte {memberStart:N0})";
        void Need(int count)
        {
            if (p + count > compressed.Length)
                throw Invalid($"the file is truncated inside {where}: it ends at byte {compressed.Length:N0}");
        }

        Need(10);
        if (bytes[p] != 0x1F || bytes[p + 1] != 0x8B)
            throw Invalid($"{where} does not start with the gzip magic bytes 1F 8B");
        if (bytes[p + 2] != 8)
            throw Invalid($"{where} names compression method {bytes[p + 2]}; gzip has only deflate (8)");
        byte flags = bytes[p + 3];
        if ((flags & 0xE0) != 0)
            throw Invalid($"{where} has reserved flag bits set (flags 0x{flags:X2}): it is damaged");
        p += 10;
        if ((flags & 0x04) != 0)   // FEXTRA: a length, then that many bytes
        {
            Need(2);
            int extra = BinaryPrimitives.ReadUInt16LittleEndian(bytes[p..]);
            p += 2;
            Need(extra);
            p += extra;
        }
        foreach (int text in new[] { 0x08, 0x10 })   // FNAME, FCOMMENT: zero-terminated
        {
            if ((flags & text) == 0) continue;
            int end = bytes[p..].IndexOf((byte)0);
            if (end < 0) throw Invalid($"the file is truncated inside {where}: its {(text == 0x08 ? "file name" : "comment")} never ends");
            p += end + 1;
        }
        if ((flags & 0x02) != 0)   // FHCRC: the low 16 bits of the header's CRC-32
        {
            Need(2);
            uint headerCrc = Crc32.Append(0, bytes[memberStart..p]) & 0xFFFF;
            if (BinaryPrimitives.ReadUInt16LittleEndian(bytes[p..]) != headerCrc)
                throw Invalid($"the CRC-16 of {where} does not match: it is damaged");
            p += 2;
        }
        dataStart = p;
        return new DeflateStream(new MemoryStream(compressed, p, compressed.Length - p, writable: false), CompressionMode.Decompress);
    }

    /// <summary>The member's deflate data has ended: finds its trailer and checks it; then either another member
    /// follows, or the file ends there, or what follows is reported.</summary>
    private void FinishMember()
    {
        member!.Dispose();
        member = null;
        if (verifiedByHash)
        {
            uint recorded = BinaryPrimitives.ReadUInt32LittleEndian(compressed.AsSpan(^4));
            if (compressed.Length - dataStart < 8 || recorded != (uint)memberLength)
                throw Invalid($"length mismatch: the trailer records {recorded:N0} bytes (ISIZE) but {memberLength:N0} were inflated; the file is damaged");
            next = compressed.Length;
            finished = true;
            return;
        }
        Span<byte> trailer = stackalloc byte[8];
        uint actualCrc = crc;
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, actualCrc);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer[4..], (uint)memberLength);
        string name = memberNumber == 1 ? "the gzip data" : $"gzip member {memberNumber}";

        // Deflate data is at least 2 bytes (the shortest, 03 00, is one empty final block), so the trailer is looked for
        // from there: an empty member's trailer is 8 zero bytes (the CRC-32 and length of nothing), which, looked for from
        // dataStart, were found one byte early, starting at the 00 of 03 00. (A file cut inside its header ends sooner.)
        int from = Math.Min(dataStart + 2, compressed.Length);
        int found = compressed.AsSpan(from).IndexOf(trailer);
        if (found >= 0)
        {
            next = from + found + 8;
            if (next == compressed.Length)
            {
                finished = true;
            }
            else if (compressed.Length - next >= 2 && compressed[next] == 0x1F && compressed[next + 1] == 0x8B)
            {
                // Another member: its output continues the data.
            }
            else
            {
                int trailing = compressed.Length - next;
                throw Invalid($"{trailing:N0} byte{(trailing == 1 ? "" : "s")} of trailing data after the end of {name} at byte {next:N0} " +
                              $"(starting {Hex(compressed.AsSpan(next))}); a gzip file ends with its last member");
            }
            return;
        }

        // No trailer fits the data: say what the end of the file looks like.
        var rest = compressed.AsSpan(dataStart);
        if (rest.Length >= 8)
        {
            uint storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(rest[^8..]);
            uint storedLength = BinaryPrimitives.ReadUInt32LittleEndian(rest[^4..]);
            if (storedLength == (uint)memberLength && storedCrc != actualCrc)
                throw Invalid($"CRC-32 mismatch in {name}: the trailer records {storedCrc:X8} but the {memberLength:N0} inflated bytes give {actualCrc:X8}; the file is damaged");
            if (storedCrc == actualCrc && storedLength != (uint)memberLength)
                throw Invalid($"length mismatch in {name}: the trailer records {storedLength:N0} bytes (ISIZE) but {memberLength:N0} were inflated; the file is damaged");
        }
        for (int kept = 7; kept >= 1; kept--)
        {
            if (rest.Length >= kept && rest[^kept..].SequenceEqual(trailer[..kept]))
                throw Invalid($"the file is truncated: it ends {8 - kept} byte{(8 - kept == 1 ? "" : "s")} before the end of the 8-byte gzip trailer (CRC-32 and length) of {name}");
        }
        throw Invalid($"the file is truncated or damaged: {name} inflates to {memberLength:N0} bytes, but no gzip trailer with their CRC-32 " +
                      $"({actualCrc:X8}) and length follows; the file ends at byte {compressed.Length:N0}");
    }

    /// <summary>The first bytes of <paramref name="bytes"/> as hex, e.g. "1F 8B 08 00".</summary>
    internal static string Hex(ReadOnlySpan<byte> bytes, int count = 4) =>
        BitConverter.ToString(bytes[..Math.Min(count, bytes.Length)].ToArray()).Replace('-', ' ');

    private InvalidDataException Invalid(string problem, Exception? inner = null) => new($"{file}: {problem}.", inner);

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) member?.Dispose();
        base.Dispose(disposing);
    }

    /// <inheritdoc/>
    public override bool CanRead => true;
    /// <inheritdoc/>
    public override bool CanSeek => false;
    /// <inheritdoc/>
    public override bool CanWrite => false;
    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();
    /// <inheritdoc/>
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    /// <inheritdoc/>
    public override void Flush() { }
    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();
    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>CRC-32 as gzip (and zip, PNG, Ethernet) computes it: polynomial 0xEDB88320 (reflected), start and end
/// inverted. Table n holds the remainders of a byte followed by n zero bytes, so that eight bytes take eight independent
/// lookups ("slicing by 8"): about 6× faster than one lookup per byte, which took a quarter of a second for MNIST's 55 MB.</summary>
internal static class Crc32
{
    private static readonly uint[] Tables = MakeTables();

    private static uint[] MakeTables()
    {
        var t = new uint[8 * 256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        for (int i = 1; i < 8; i++)
            for (int n = 0; n < 256; n++) t[i * 256 + n] = (t[(i - 1) * 256 + n] >> 8) ^ t[t[(i - 1) * 256 + n] & 0xFF];
        return t;
    }

    /// <summary>The CRC-32 of the bytes whose CRC-32 is <paramref name="crc"/> followed by <paramref name="bytes"/> (start from 0).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static uint Append(uint crc, ReadOnlySpan<byte> bytes)
    {
        uint c = ~crc;
        ReadOnlySpan<uint> t = Tables;
        int i = 0;
        for (; i + 8 <= bytes.Length; i += 8)
        {
            uint low = c ^ BinaryPrimitives.ReadUInt32LittleEndian(bytes[i..]);
            uint high = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(i + 4)..]);
            c = t[7 * 256 + (int)(low & 0xFF)] ^ t[6 * 256 + (int)((low >> 8) & 0xFF)]
              ^ t[5 * 256 + (int)((low >> 16) & 0xFF)] ^ t[4 * 256 + (int)(low >> 24)]
              ^ t[3 * 256 + (int)(high & 0xFF)] ^ t[2 * 256 + (int)((high >> 8) & 0xFF)]
              ^ t[1 * 256 + (int)((high >> 16) & 0xFF)] ^ t[(int)(high >> 24)];
        }
        for (; i < bytes.Length; i++) c = t[(int)((c ^ bytes[i]) & 0xFF)] ^ (c >> 8);
        return ~c;
    }
}
