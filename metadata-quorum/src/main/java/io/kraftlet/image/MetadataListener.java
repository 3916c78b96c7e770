package io.kraftlet.image;

/**
 * Told of every new metadata image, in offset order, with the delta from the previous one.
 * A loaded snapshot arrives as a delta from the empty image.
 *
 * <p>Threading: called on the publishing thread (the node's metadata loader), one call at a
 * time. Must not block; may throw only to report a bug.
 */
public interface MetadataListener {
    void onMetadataUpdate(MetadataDelta delta, MetadataImage newImage);
}
