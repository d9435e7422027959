package io.tokenapi.sdk;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

/**
 * OpenSSH's {@code StrictModes} for {@link FileTokenStore}'s directory: refuses one that another
 * local user could plant files in (a link, a pipe, a huge file in place of the token or lock file)
 * or replace, with the command that fixes it in the message.
 *
 * <ul>
 *   <li>The directory is owned by this process's user and writable by no one else.
 *   <li>Every directory above it is owned by this user or root, and writable by no one else unless
 *       its sticky bit is set (as {@code /tmp}'s): there others may create entries but never rename
 *       or delete ours. Group-writable is accepted where the group is the owner's private group
 *       (named as the user; umask 002 makes such directories, Maven's {@code target} among them).
 * </ul>
 *
 * Where the file system has no {@code unix} attribute view (owner ids, the sticky bit), only the
 * directory's own owner and permissions are checked.
 */
final class StrictModes {
  private static final int GROUP_OR_OTHERS_WRITE = 0022;
  private static final int OTHERS_WRITE = 0002;
  private static final int STICKY = 01000;

  private StrictModes() {}

  /**
   * Checks the real path {@code dir} and the directories above it.
   *
   * @throws IllegalStateException naming the directory, what is wrong and the fix
   */
  static void check(Path dir) {
    try {
      UserPrincipal self = processUser(dir);
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir, NOFOLLOW_LINKS);
      if (permissions.contains(PosixFilePermission.GROUP_WRITE)
          || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
        throw new IllegalStateException(
            "Token store directory "
                + dir
                + " is writable by group or others ("
                + PosixFilePermissions.toString(permissions)
                + "): another local user could plant files there; run chmod 700 "
                + dir
                + " or pass a directory only this user can write to FileTokenStore.builder");
      }
      UserPrincipal owner = Files.getOwner(dir, NOFOLLOW_LINKS);
      if (!owner.equals(self)) {
        throw new IllegalStateException(
            "Token store directory "
                + dir
                + " is owned by "
                + owner.getName()
                + ", not by this process's user "
                + self.getName()
                + ": its owner could plant files there; run chown "
                + self.getName()
                + " "
                + dir
                + " or pass a directory this user owns to FileTokenStore.builder");
      }
      boolean unix = dir.getFileSystem().supportedFileAttributeViews().contains("unix");
      if (!unix) {
        return;
      }
      int selfUid = (Integer) Files.getAttribute(dir, "unix:uid", NOFOLLOW_LINKS);
      for (Path parent = dir.getParent(); parent != null; parent = parent.getParent()) {
        checkParent(dir, parent, selfUid);
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot check who may write the token store directory "
              + dir
              + " ("
              + e.getClass().getSimpleName()
              + "): pass a directory this user owns to FileTokenStore.builder",
          e);
    }
  }

  private static void checkParent(Path dir, Path parent, int selfUid) throws IOException {
    int mode = (Integer) Files.getAttribute(parent, "unix:mode", NOFOLLOW_LINKS);
    int uid = (Integer) Files.getAttribute(parent, "unix:uid", NOFOLLOW_LINKS);
    if (uid != 0 && uid != selfUid) {
      throw new IllegalStateException(
          "Token store directory "
              + dir
              + " is inside "
              + parent
              + ", owned by "
              + Files.getOwner(parent, NOFOLLOW_LINKS).getName()
              + " (neither this user nor root), who could replace it: pass a directory whose"
              + " parents belong to this user or root to FileTokenStore.builder");
    }
    if ((mode & GROUP_OR_OTHERS_WRITE) != 0
        && (mode & STICKY) == 0
        && !((mode & OTHERS_WRITE) == 0 && userPrivateGroup(parent))) {
      throw new IllegalStateException(
          "Token store directory "
              + dir
              + " is inside "
              + parent
              + ", which group or others can write (mode "
              + Integer.toOctalString(mode & 07777)
              + ") without the sticky bit, so another local user could replace it; run chmod go-w "
              + parent
              + " (or chmod +t) or pass a directory elsewhere to FileTokenStore.builder");
    }
  }

  /**
   * Whether {@code dir}'s group is its owner's private group (named as the user, the convention of
   * Debian, Fedora and others with umask 002): then group-writable adds no other writer, as
   * Debian's OpenSSH accepts it.
   */
  private static boolean userPrivateGroup(Path dir) throws IOException {
    PosixFileAttributes attributes =
        Files.readAttributes(dir, PosixFileAttributes.class, NOFOLLOW_LINKS);
    return attributes.group().getName().equals(attributes.owner().getName());
  }

  /**
   * This process's user: the owner of a file it creates (portable, unlike a uid lookup; correct in
   * containers whose uid has no name).
   */
  private static UserPrincipal processUser(Path dir) throws IOException {
    Path probe =
        Files.createTempFile(
            dir,
            ".tokenapi-",
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      return Files.getOwner(probe, NOFOLLOW_LINKS);
    } finally {
      Files.deleteIfExists(probe);
    }
  }
}
