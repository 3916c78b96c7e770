package io.kraftlet.controller;

import io.kraftlet.metadata.MetadataRecord;
import java.util.List;

/**
 * What a controller decided for one command: the records to write and the answer to give once
 * they are committed. Deciding never changes state; replaying the records does.
 */
public record ControllerResult<T>(List<MetadataRecord> records, T response) {
    public ControllerResult {
        records = List.copyOf(records);
    }

    public static <T> ControllerResult<T> of(List<MetadataRecord> records, T response) {
        return new ControllerResult<>(records, response);
    }

    public static <T> ControllerResult<T> answer(T response) {
        return new ControllerResult<>(List.of(), response);
    }
}
