package dev.kldload.zfs;

/** The kinds of dataset the port lists and creates. */
public enum DatasetType {
  FILESYSTEM("filesystem"),
  VOLUME("volume");

  private final String zfsName;

  DatasetType(String zfsName) {
    this.zfsName = zfsName;
  }

  /** The word {@code zfs list -o type} prints. */
  public String zfsName() {
    return zfsName;
  }

  public static DatasetType fromZfs(String word) {
    for (DatasetType t : values()) {
      if (t.zfsName.equals(word)) {
        return t;
      }
    }
    throw new IllegalArgumentException("not a dataset type: " + word);
  }
}
