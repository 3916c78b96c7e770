package io.kraftlet.sim;

/** 64-bit FNV-1a hashing of records, and the running hash a state machine keeps. */
final class RecordHash {
    private static final long OFFSET_BASIS = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;

    private RecordHash() {
    }

    static long of(byte[] record) {
        long hash = OFFSET_BASIS;
        for (byte b : record) {
            hash = (hash ^ (b & 0xff)) * PRIME;
        }
        return hash;
    }

    /** The running hash after applying one more record. */
    static long chain(long running, long recordHash) {
        return (running ^ recordHash) * PRIME + 0x9e3779b97f4a7c15L;
    }
}
