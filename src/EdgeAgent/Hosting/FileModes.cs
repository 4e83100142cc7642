namespace EdgeAgent.Hosting;

using System.Runtime.InteropServices;

/// <summary>
/// Files the agent writes — records, alert pictures, results — are not for other users of the
/// machine: whatever umask the agent was started with, it drops the "others" bits (files 0640 at
/// most, folders 0750), as the systemd unit's <c>UMask=0027</c> does.
/// </summary>
public static partial class FileModes
{
    private const uint OthersAndGroupWrite = 0b000_010_111; // 0027

    /// <summary>Adds group-write and all of "others" to the process's umask.</summary>
    public static void Restrict()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }

        // umask can only be read by setting it: set, then add our bits to what was there.
        var previous = Umask(OthersAndGroupWrite);
        Umask(previous | OthersAndGroupWrite);
    }

    [LibraryImport("libc", EntryPoint = "umask")]
    private static partial uint Umask(uint mask);
}
