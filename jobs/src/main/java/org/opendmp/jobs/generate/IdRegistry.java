package org.opendmp.jobs.generate;

import java.util.Arrays;
import java.util.BitSet;

/**
 * Every identifier written on an intact landing record, interned once as an int in first-seen order, with the
 * union-find of evidence groups (identifiers written on one record are linked), the person who used it first
 * and whether another person used it too. Memory is a few int/long arrays: bounded at 1M people.
 */
final class IdRegistry {
  /** Marks an absent identifier in {@link #record}. */
  static final long NONE = 0L;

  private final LongIntMap index = new LongIntMap(1 << 16);
  private long[] keys = new long[1 << 16];
  private int[] parent = new int[1 << 16];
  private int[] firstUser = new int[1 << 16];
  private final BitSet shared = new BitSet();
  private int size;

  /** The identifiers of one intact record, used by one person; NONE entries are skipped. */
  void record(int user, long... ids) {
    int first = -1;
    for (long key : ids) {
      if (key == NONE) {
        continue;
      }
      int i = intern(key, user);
      if (first < 0) {
        first = i;
      } else {
        union(first, i);
      }
    }
  }

  /** An identifier seen alone on a record (no link); a user of -1 means "whoever used it already". */
  void seen(long key, int user) {
    intern(key, user);
  }

  private int intern(long key, int user) {
    int i = index.putIfAbsent(key, size);
    if (i == size) {
      if (size == keys.length) {
        int cap = size * 2;
        keys = Arrays.copyOf(keys, cap);
        parent = Arrays.copyOf(parent, cap);
        firstUser = Arrays.copyOf(firstUser, cap);
      }
      keys[size] = key;
      parent[size] = size;
      firstUser[size] = user < 0 ? IdType.person(key) : user;
      size++;
    } else if (user >= 0 && firstUser[i] != user) {
      shared.set(i);
    }
    return i;
  }

  /** The smallest index of the group is its root, so group ids follow first-seen order. */
  private void union(int a, int b) {
    int ra = find(a);
    int rb = find(b);
    if (ra < rb) {
      parent[rb] = ra;
    } else if (rb < ra) {
      parent[ra] = rb;
    }
  }

  int find(int i) {
    while (parent[i] != i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  }

  int size() {
    return size;
  }

  long key(int i) {
    return keys[i];
  }

  boolean shared(int i) {
    return shared.get(i);
  }

  /** The person it belongs to: its only user, or the main user (the key's owner) when shared. */
  int truePerson(int i) {
    return shared.get(i) ? IdType.person(keys[i]) : firstUser[i];
  }
}
