package io.kraftlet.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.kraftlet.metadata.ConfigResource;
import io.kraftlet.metadata.Endpoint;
import io.kraftlet.metadata.LeaderRecoveryState;
import io.kraftlet.metadata.MetadataRecord;
import io.kraftlet.proto.metadata.BrokerIdList;
import io.kraftlet.proto.metadata.ConfigRecord;
import io.kraftlet.proto.metadata.ConfigResourceType;
import io.kraftlet.proto.metadata.FenceBrokerRecord;
import io.kraftlet.proto.metadata.Listener;
import io.kraftlet.proto.metadata.MetadataRecordFrame;
import io.kraftlet.proto.metadata.PartitionChangeRecord;
import io.kraftlet.proto.metadata.PartitionRecord;
import io.kraftlet.proto.metadata.RegisterBrokerRecord;
import io.kraftlet.proto.metadata.TopicRecord;
import io.kraftlet.proto.metadata.Uuid;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The metadata record codec: every record type survives encode/decode unchanged (null and
 * empty kept apart), {@code sizeOf} is exact, bad bytes fail with a
 * {@link CorruptRecordException} that names the field, and snapshots of many records round-trip.
 */
class MetadataRecordCodecTest {
    private static final UUID TOPIC_ID = new UUID(0x0123456789abcdefL, 0xfedcba9876543210L);
    /** Both halves negative, so a sign mix-up in the fixed64 mapping would show. */
    private static final UUID NEGATIVE_ID = new UUID(-2L, Long.MIN_VALUE + 7);
    private static final UUID INCARNATION = UUID.fromString("6e4f2a8c-1b3d-4e5f-8a9b-0c1d2e3f4a5b");

    /** One record of every type, with the values most likely to trip a mapping. */
    static Stream<MetadataRecord> everyRecordType() {
        return Stream.of(
                new MetadataRecord.RegisterBroker(1, 42, INCARNATION, List.of(
                        new Endpoint("PLAINTEXT", "broker-1.example", 9092),
                        new Endpoint("REPLICATION", "10.0.0.1", 0),
                        new Endpoint("CONTROLLER", "", 65535)), "", true, false),
                new MetadataRecord.RegisterBroker(2, Long.MAX_VALUE, NEGATIVE_ID, List.of(), "rack-é", false, true),
                new MetadataRecord.UnregisterBroker(3, 7),
                new MetadataRecord.FenceBroker(4, 0),
                new MetadataRecord.UnfenceBroker(5, 123_456_789_012L),
                new MetadataRecord.BrokerRegistrationChange(6, 99, true),
                new MetadataRecord.BrokerRegistrationChange(6, 99, false),
                new MetadataRecord.Topic("orders", TOPIC_ID),
                new MetadataRecord.Topic("名前.with-dots_and_underscores", NEGATIVE_ID),
                new MetadataRecord.Partition(TOPIC_ID, 0, List.of(3, 1, 2), List.of(3, 1), List.of(2), List.of(4), 3,
                        LeaderRecoveryState.RECOVERED, 5, 17),
                new MetadataRecord.Partition(TOPIC_ID, Integer.MAX_VALUE, List.of(1), List.of(1), List.of(), List.of(),
                        MetadataRecord.NO_LEADER, LeaderRecoveryState.RECOVERING, Integer.MAX_VALUE, 0),
                new MetadataRecord.Partition(NEGATIVE_ID, 2, List.of(), List.of(), List.of(), List.of(),
                        MetadataRecord.NO_LEADER, LeaderRecoveryState.RECOVERED, 0, 0),
                new MetadataRecord.PartitionChange(TOPIC_ID, 1, 2, List.of(2, 3), List.of(1), List.of(1),
                        List.of(2, 3, 1), LeaderRecoveryState.RECOVERING, true),
                new MetadataRecord.RemoveTopic(TOPIC_ID),
                new MetadataRecord.Config(ConfigResource.topic("orders"), "min.insync.replicas", "2"),
                new MetadataRecord.Config(ConfigResource.topic("orders"), "min.insync.replicas", null),
                new MetadataRecord.Config(ConfigResource.topic("orders"), "cleanup.policy", ""),
                new MetadataRecord.Config(ConfigResource.CLUSTER_DEFAULTS, "unclean.leader.election.enable", "true"),
                new MetadataRecord.Config(new ConfigResource(ConfigResource.Type.BROKER, "1"), "x", null),
                new MetadataRecord.NoOp());
    }

    /**
     * Partition changes with each field alone set to a value, to empty and (by omission) to
     * null, plus leader -1, so "unchanged" and "set to empty" are both exercised per field.
     */
    static Stream<Arguments> partitionChanges() {
        List<Arguments> cases = new ArrayList<>();
        cases.add(Arguments.of("nothing", change(c -> { })));
        cases.add(Arguments.of("leader 4", change(c -> c.leader = 4)));
        cases.add(Arguments.of("leader -1", change(c -> c.leader = MetadataRecord.NO_LEADER)));
        cases.add(Arguments.of("leader 0", change(c -> c.leader = 0)));
        cases.add(Arguments.of("isr", change(c -> c.isr = List.of(1, 2))));
        cases.add(Arguments.of("empty isr", change(c -> c.isr = List.of())));
        cases.add(Arguments.of("elr", change(c -> c.elr = List.of(3))));
        cases.add(Arguments.of("empty elr", change(c -> c.elr = List.of())));
        cases.add(Arguments.of("lastKnownElr", change(c -> c.lastKnownElr = List.of(5, 6))));
        cases.add(Arguments.of("empty lastKnownElr", change(c -> c.lastKnownElr = List.of())));
        cases.add(Arguments.of("replicas", change(c -> c.replicas = List.of(3, 2, 1))));
        cases.add(Arguments.of("empty replicas", change(c -> c.replicas = List.of())));
        cases.add(Arguments.of("recovering", change(c -> c.state = LeaderRecoveryState.RECOVERING)));
        cases.add(Arguments.of("recovered", change(c -> c.state = LeaderRecoveryState.RECOVERED)));
        cases.add(Arguments.of("bump only", change(c -> c.bump = true)));
        cases.add(Arguments.of("every list empty", change(c -> {
            c.isr = List.of();
            c.elr = List.of();
            c.lastKnownElr = List.of();
            c.replicas = List.of();
        })));
        return cases.stream();
    }

    /** Mutable fields of a partition change, to build the cases above briefly. */
    private static final class ChangeFields {
        Integer leader;
        List<Integer> isr;
        List<Integer> elr;
        List<Integer> lastKnownElr;
        List<Integer> replicas;
        LeaderRecoveryState state;
        boolean bump;
    }

    private static MetadataRecord.PartitionChange change(Consumer<ChangeFields> setter) {
        ChangeFields c = new ChangeFields();
        setter.accept(c);
        return new MetadataRecord.PartitionChange(TOPIC_ID, 3, c.leader, c.isr, c.elr, c.lastKnownElr, c.replicas,
                c.state, c.bump);
    }

    private static MetadataRecord roundTrip(MetadataRecord record) {
        byte[] bytes = MetadataRecordCodec.encode(record);
        assertEquals(bytes.length, MetadataRecordCodec.sizeOf(record), "sizeOf of " + record);
        MetadataRecord decoded = MetadataRecordCodec.decode(bytes);
        assertEquals(record, decoded);
        return decoded;
    }

    private static CorruptRecordException assertCorrupt(byte[] bytes, String... expectedInMessage) {
        CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> MetadataRecordCodec.decode(bytes));
        for (String expected : expectedInMessage) {
            assertTrue(e.getMessage().contains(expected), "message \"" + e.getMessage() + "\" lacks " + expected);
        }
        return e;
    }

    private static byte[] frame(Consumer<MetadataRecordFrame.Builder> setter) {
        MetadataRecordFrame.Builder builder = MetadataRecordFrame.newBuilder();
        setter.accept(builder);
        return builder.build().toByteArray();
    }

    private static Uuid uuid(UUID id) {
        return Uuid.newBuilder().setMostSignificantBits(id.getMostSignificantBits())
                .setLeastSignificantBits(id.getLeastSignificantBits()).build();
    }

    /** A valid partition record proto, for tests that break one field of it. */
    private static PartitionRecord.Builder partitionProto() {
        return PartitionRecord.newBuilder().setTopicId(uuid(TOPIC_ID)).setPartitionId(0).addReplicas(1)
                .addReplicas(2).addIsr(1).setLeader(1)
                .setLeaderRecoveryState(io.kraftlet.proto.metadata.LeaderRecoveryState.LEADER_RECOVERY_STATE_RECOVERED)
                .setLeaderEpoch(1).setPartitionEpoch(1);
    }

    private static RegisterBrokerRecord.Builder registerProto() {
        return RegisterBrokerRecord.newBuilder().setBrokerId(1).setBrokerEpoch(10).setIncarnationId(uuid(INCARNATION))
                .addListeners(Listener.newBuilder().setName("PLAINTEXT").setHost("h").setPort(9092));
    }

    @Nested
    class RoundTrip {
        @ParameterizedTest
        @MethodSource("io.kraftlet.codec.MetadataRecordCodecTest#everyRecordType")
        void everyRecordTypeDecodesToAnEqualRecord(MetadataRecord record) {
            MetadataRecord decoded = roundTrip(record);
            assertEquals(record.getClass(), decoded.getClass());
        }

        @Test
        void everyRecordTypeIsCovered() {
            // MetadataRecord is sealed: if a type is added, this list must grow with it.
            long covered = everyRecordType().map(Object::getClass).distinct().count();
            assertEquals(MetadataRecord.class.getPermittedSubclasses().length, covered);
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("io.kraftlet.codec.MetadataRecordCodecTest#partitionChanges")
        void partitionChangeKeepsNullApartFromEmpty(String name, MetadataRecord.PartitionChange change) {
            MetadataRecord.PartitionChange decoded = (MetadataRecord.PartitionChange) roundTrip(change);
            assertEquals(change.leader(), decoded.leader());
            assertEquals(change.isr(), decoded.isr());
            assertEquals(change.elr(), decoded.elr());
            assertEquals(change.lastKnownElr(), decoded.lastKnownElr());
            assertEquals(change.replicas(), decoded.replicas());
            assertEquals(change.leaderRecoveryState(), decoded.leaderRecoveryState());
            assertEquals(change.bumpLeaderEpoch(), decoded.bumpLeaderEpoch());
        }

        @Test
        void anUnchangedListAndAnEmptiedListEncodeDifferently() {
            byte[] unchanged = MetadataRecordCodec.encode(change(c -> { }));
            for (MetadataRecord.PartitionChange emptied : List.of(change(c -> c.isr = List.of()),
                    change(c -> c.elr = List.of()), change(c -> c.lastKnownElr = List.of()),
                    change(c -> c.replicas = List.of()))) {
                byte[] bytes = MetadataRecordCodec.encode(emptied);
                assertFalse(Arrays.equals(unchanged, bytes), emptied + " encodes like an unchanged record");
            }
        }

        @Test
        void anAllNullChangeDecodesWithEveryFieldNull() {
            MetadataRecord.PartitionChange decoded = (MetadataRecord.PartitionChange) MetadataRecordCodec.decode(
                    MetadataRecordCodec.encode(change(c -> { })));
            assertNull(decoded.leader());
            assertNull(decoded.isr());
            assertNull(decoded.elr());
            assertNull(decoded.lastKnownElr());
            assertNull(decoded.replicas());
            assertNull(decoded.leaderRecoveryState());
            assertFalse(decoded.bumpLeaderEpoch());
        }

        @Test
        void configWithNullValueStaysADeletionAndEmptyValueStaysEmpty() {
            MetadataRecord.Config deletion = (MetadataRecord.Config) roundTrip(
                    new MetadataRecord.Config(ConfigResource.topic("t"), "retention.ms", null));
            assertNull(deletion.value());
            MetadataRecord.Config empty = (MetadataRecord.Config) roundTrip(
                    new MetadataRecord.Config(ConfigResource.topic("t"), "retention.ms", ""));
            assertEquals("", empty.value());
        }

        @Test
        void registerBrokerKeepsListenerOrderAndEmptyRack() {
            List<Endpoint> listeners = List.of(new Endpoint("B", "b", 2), new Endpoint("A", "a", 1),
                    new Endpoint("B", "c", 3));
            MetadataRecord.RegisterBroker decoded = (MetadataRecord.RegisterBroker) roundTrip(
                    new MetadataRecord.RegisterBroker(9, 1000, INCARNATION, listeners, null, true, true));
            assertEquals(listeners, decoded.listeners());
            assertEquals("", decoded.rack());
            assertTrue(decoded.fenced());
            assertTrue(decoded.inControlledShutdown());
        }

        @Test
        void decodingTwiceGivesEqualButIndependentRecords() {
            byte[] bytes = MetadataRecordCodec.encode(everyRecordType().toList().get(9));
            assertEquals(MetadataRecordCodec.decode(bytes), MetadataRecordCodec.decode(bytes));
        }

        @Test
        void sizeOfMatchesEncodeForLargeRecords() {
            List<Integer> replicas = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                replicas.add(i * 1000);
            }
            MetadataRecord big = new MetadataRecord.Partition(TOPIC_ID, 1, replicas, replicas, replicas, replicas,
                    4000, LeaderRecoveryState.RECOVERED, 1, 1);
            roundTrip(big);
            assertTrue(MetadataRecordCodec.sizeOf(big) > 4 * 5000, "sizeOf " + MetadataRecordCodec.sizeOf(big));
        }
    }

    @Nested
    class MalformedInput {
        @Test
        void emptyBytesAreAFrameWithNoRecord() {
            assertCorrupt(new byte[0], "MetadataRecordFrame.record", "not set");
        }

        @Test
        void aFrameWithOnlyAnUnknownFieldHasNoRecord() {
            byte[] bytes = MetadataRecordFrame.newBuilder().setUnknownFields(
                    com.google.protobuf.UnknownFieldSet.newBuilder().addField(99,
                            com.google.protobuf.UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build())
                    .build().toByteArray();
            assertTrue(bytes.length > 0);
            assertCorrupt(bytes, "MetadataRecordFrame.record", "not set");
        }

        @Test
        void aTruncatedFrameIsNotValidProtobuf() {
            byte[] bytes = MetadataRecordCodec.encode(everyRecordType().toList().get(0));
            for (int cut = 1; cut < bytes.length; cut++) {
                byte[] truncated = Arrays.copyOf(bytes, cut);
                // Every prefix of a register-broker frame either ends inside a field or lacks
                // required fields; none may decode.
                assertThrows(CorruptRecordException.class, () -> MetadataRecordCodec.decode(truncated),
                        "prefix of " + cut + " bytes decoded");
            }
            assertCorrupt(Arrays.copyOf(bytes, bytes.length - 1), "not valid protobuf");
        }

        @Test
        void garbageBytesAreNotValidProtobuf() {
            assertCorrupt(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}, "MetadataRecordFrame",
                    "not valid protobuf");
        }

        @Test
        void invalidUtf8InANameIsCorrupt() {
            TopicRecord topic = TopicRecord.newBuilder().setTopicId(uuid(TOPIC_ID)).build();
            // TopicRecord field 1 (name, length-delimited) holding a lone UTF-8 continuation byte.
            byte[] topicBytes = concat(topic.toByteArray(), new byte[] {0x0a, 0x01, (byte) 0x80});
            // MetadataRecordFrame field 6 (topic, length-delimited) around it.
            byte[] frameBytes = concat(new byte[] {0x32, (byte) topicBytes.length}, topicBytes);
            assertCorrupt(frameBytes, "not valid protobuf");
            // The same frame with a valid one-byte name decodes, so the byte layout is right.
            frameBytes[frameBytes.length - 1] = 't';
            assertEquals(new MetadataRecord.Topic("t", TOPIC_ID), MetadataRecordCodec.decode(frameBytes));
        }

        @Test
        void aNegativePartitionIdIsNamed() {
            assertCorrupt(frame(f -> f.setPartition(partitionProto().setPartitionId(-1))),
                    "PartitionRecord.partition_id", "-1");
            assertCorrupt(frame(f -> f.setPartitionChange(PartitionChangeRecord.newBuilder().setTopicId(uuid(TOPIC_ID))
                    .setPartitionId(-3))), "PartitionChangeRecord.partition_id", "-3");
        }

        @Test
        void aNegativeReplicaIdIsNamedWithItsIndex() {
            assertCorrupt(frame(f -> f.setPartition(partitionProto().addReplicas(-5))),
                    "PartitionRecord.replicas[2]", "-5");
            assertCorrupt(frame(f -> f.setPartition(partitionProto().addLastKnownElr(-1))),
                    "PartitionRecord.last_known_elr[0]");
            assertCorrupt(frame(f -> f.setPartitionChange(PartitionChangeRecord.newBuilder().setTopicId(uuid(TOPIC_ID))
                    .setIsr(BrokerIdList.newBuilder().addIds(1).addIds(-2)))), "PartitionChangeRecord.isr[1]");
            assertCorrupt(frame(f -> f.setPartitionChange(PartitionChangeRecord.newBuilder().setTopicId(uuid(TOPIC_ID))
                    .setReplicas(BrokerIdList.newBuilder().addIds(-9)))), "PartitionChangeRecord.replicas[0]");
        }

        @Test
        void aLeaderBelowMinusOneIsNamed() {
            assertCorrupt(frame(f -> f.setPartition(partitionProto().setLeader(-2))), "PartitionRecord.leader", "-2");
            assertCorrupt(frame(f -> f.setPartitionChange(PartitionChangeRecord.newBuilder().setTopicId(uuid(TOPIC_ID))
                    .setLeader(-7))), "PartitionChangeRecord.leader", "-7");
        }

        @Test
        void negativeEpochsAreNamed() {
            assertCorrupt(frame(f -> f.setPartition(partitionProto().setLeaderEpoch(-1))), "PartitionRecord.leader_epoch");
            assertCorrupt(frame(f -> f.setPartition(partitionProto().setPartitionEpoch(-1))),
                    "PartitionRecord.partition_epoch");
            assertCorrupt(frame(f -> f.setFenceBroker(FenceBrokerRecord.newBuilder().setBrokerId(1).setBrokerEpoch(-4))),
                    "FenceBrokerRecord.broker_epoch", "-4");
            assertCorrupt(frame(f -> f.setFenceBroker(FenceBrokerRecord.newBuilder().setBrokerId(-1))),
                    "FenceBrokerRecord.broker_id");
            assertCorrupt(frame(f -> f.setRegisterBroker(registerProto().setBrokerEpoch(-1))),
                    "RegisterBrokerRecord.broker_epoch");
        }

        @Test
        void aPortOutOfRangeIsNamedWithTheListenerIndex() {
            assertCorrupt(frame(f -> f.setRegisterBroker(registerProto().addListeners(
                    Listener.newBuilder().setName("REPLICATION").setHost("h").setPort(65536)))),
                    "RegisterBrokerRecord.listeners[1].port", "65536");
            assertCorrupt(frame(f -> f.setRegisterBroker(registerProto().addListeners(
                    Listener.newBuilder().setName("REPLICATION").setHost("h").setPort(-1)))),
                    "RegisterBrokerRecord.listeners[1].port", "-1");
        }

        @Test
        void anEmptyListenerNameIsNamed() {
            assertCorrupt(frame(f -> f.setRegisterBroker(registerProto().addListeners(
                    Listener.newBuilder().setHost("h").setPort(1)))), "RegisterBrokerRecord.listeners[1].name");
        }

        @Test
        void missingIdsAreNamed() {
            assertCorrupt(frame(f -> f.setRegisterBroker(registerProto().clearIncarnationId())),
                    "RegisterBrokerRecord.incarnation_id", "missing");
            assertCorrupt(frame(f -> f.setTopic(TopicRecord.newBuilder().setName("t"))), "TopicRecord.topic_id",
                    "missing");
            assertCorrupt(frame(f -> f.setPartition(partitionProto().clearTopicId())), "PartitionRecord.topic_id");
            assertCorrupt(frame(f -> f.setPartitionChange(PartitionChangeRecord.newBuilder().setPartitionId(1))),
                    "PartitionChangeRecord.topic_id");
            assertCorrupt(frame(f -> f.setRemoveTopic(io.kraftlet.proto.metadata.RemoveTopicRecord.getDefaultInstance())),
                    "RemoveTopicRecord.topic_id");
        }

        @Test
        void anEmptyTopicNameIsNamed() {
            assertCorrupt(frame(f -> f.setTopic(TopicRecord.newBuilder().setTopicId(uuid(TOPIC_ID)))),
                    "TopicRecord.name", "empty");
        }

        @Test
        void unknownOrUnspecifiedEnumValuesAreNamed() {
            assertCorrupt(frame(f -> f.setPartition(partitionProto().setLeaderRecoveryStateValue(7))),
                    "PartitionRecord.leader_recovery_state", "7");
            assertCorrupt(frame(f -> f.setPartition(partitionProto().setLeaderRecoveryStateValue(0))),
                    "PartitionRecord.leader_recovery_state", "0");
            assertCorrupt(frame(f -> f.setPartitionChange(PartitionChangeRecord.newBuilder().setTopicId(uuid(TOPIC_ID))
                    .setLeaderRecoveryStateValue(3))), "PartitionChangeRecord.leader_recovery_state", "3");
            assertCorrupt(frame(f -> f.setConfig(ConfigRecord.newBuilder().setResourceTypeValue(9).setName("x"))),
                    "ConfigRecord.resource_type", "9");
            assertCorrupt(frame(f -> f.setConfig(ConfigRecord.newBuilder().setName("x"))),
                    "ConfigRecord.resource_type", "0");
        }

        @Test
        void configNamesAreChecked() {
            assertCorrupt(frame(f -> f.setConfig(ConfigRecord.newBuilder()
                    .setResourceType(ConfigResourceType.CONFIG_RESOURCE_TYPE_TOPIC).setResourceName("t"))),
                    "ConfigRecord.name", "empty");
            assertCorrupt(frame(f -> f.setConfig(ConfigRecord.newBuilder()
                    .setResourceType(ConfigResourceType.CONFIG_RESOURCE_TYPE_TOPIC).setName("x"))),
                    "ConfigRecord.resource_name", "empty");
            // The cluster defaults are the broker resource with the empty name: valid.
            MetadataRecord defaults = MetadataRecordCodec.decode(frame(f -> f.setConfig(ConfigRecord.newBuilder()
                    .setResourceType(ConfigResourceType.CONFIG_RESOURCE_TYPE_BROKER).setName("x").setValue("1"))));
            assertEquals(new MetadataRecord.Config(ConfigResource.CLUSTER_DEFAULTS, "x", "1"), defaults);
        }

        /**
         * Flipped bytes in valid frames: decode either rejects them with a CorruptRecordException
         * or yields a record the encoder accepts again (both directions check the same rules).
         * Any other exception is a hole in the checks.
         */
        @Test
        void mutatedFramesFailOnlyWithCorruptRecordException() {
            Random random = new Random(20260101L);
            List<byte[]> valid = everyRecordType().map(MetadataRecordCodec::encode).toList();
            int rejected = 0;
            for (int i = 0; i < 20_000; i++) {
                byte[] bytes = valid.get(random.nextInt(valid.size())).clone();
                if (bytes.length == 0) {
                    continue;
                }
                int flips = 1 + random.nextInt(3);
                for (int f = 0; f < flips; f++) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                }
                try {
                    MetadataRecord decoded = MetadataRecordCodec.decode(bytes);
                    assertEquals(decoded, MetadataRecordCodec.decode(MetadataRecordCodec.encode(decoded)));
                } catch (CorruptRecordException e) {
                    assertNotNull(e.getMessage());
                    rejected++;
                }
            }
            assertTrue(rejected > 1000, "only " + rejected + " mutations were rejected");
        }

        @Test
        void randomBytesFailOnlyWithCorruptRecordException() {
            Random random = new Random(7L);
            int rejected = 0;
            for (int i = 0; i < 20_000; i++) {
                byte[] bytes = new byte[random.nextInt(64)];
                random.nextBytes(bytes);
                try {
                    MetadataRecord decoded = MetadataRecordCodec.decode(bytes);
                    assertEquals(decoded, MetadataRecordCodec.decode(MetadataRecordCodec.encode(decoded)));
                } catch (CorruptRecordException e) {
                    rejected++;
                }
            }
            assertTrue(rejected > 15_000, "only " + rejected + " random inputs were rejected");
        }
    }

    @Nested
    class EncodeChecks {
        @Test
        void aRecordNoReaderWouldAcceptIsRefusedBeforeItIsWritten() {
            MetadataRecord bad = new MetadataRecord.PartitionChange(TOPIC_ID, -1, null, null, null, null, null, null,
                    false);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MetadataRecordCodec.encode(bad));
            assertTrue(e.getMessage().contains("PartitionChangeRecord.partition_id"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> MetadataRecordCodec.sizeOf(bad));
            assertThrows(IllegalArgumentException.class, () -> MetadataRecordCodec.encodeSnapshot(List.of(bad)));
        }

        @Test
        void eachRuleAppliesOnTheWayOut() {
            assertEncodeRefused(new MetadataRecord.Partition(TOPIC_ID, 0, List.of(1, -1), List.of(), List.of(),
                    List.of(), 1, LeaderRecoveryState.RECOVERED, 0, 0), "PartitionRecord.replicas[1]");
            assertEncodeRefused(new MetadataRecord.Partition(TOPIC_ID, 0, List.of(1), List.of(), List.of(), List.of(),
                    -5, LeaderRecoveryState.RECOVERED, 0, 0), "PartitionRecord.leader");
            assertEncodeRefused(new MetadataRecord.FenceBroker(1, -1), "FenceBrokerRecord.broker_epoch");
            assertEncodeRefused(new MetadataRecord.Topic("", TOPIC_ID), "TopicRecord.name");
            assertEncodeRefused(new MetadataRecord.Config(ConfigResource.topic("t"), "", "v"), "ConfigRecord.name");
            assertEncodeRefused(new MetadataRecord.RegisterBroker(-1, 0, INCARNATION, List.of(), "", true, false),
                    "RegisterBrokerRecord.broker_id");
            assertEncodeRefused(new MetadataRecord.PartitionChange(TOPIC_ID, 0, null, null, List.of(-3), null, null,
                    null, false), "PartitionChangeRecord.elr[0]");
        }

        private void assertEncodeRefused(MetadataRecord record, String field) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MetadataRecordCodec.encode(record));
            assertTrue(e.getMessage().contains(field), "message \"" + e.getMessage() + "\" lacks " + field);
        }
    }

    @Nested
    class Snapshots {
        @Test
        void anEmptySnapshotIsEmpty() {
            byte[] bytes = MetadataRecordCodec.encodeSnapshot(List.of());
            assertEquals(0, bytes.length);
            assertEquals(List.of(), MetadataRecordCodec.decodeSnapshot(bytes));
        }

        @Test
        void everyRecordTypeRoundTripsInOrder() {
            List<MetadataRecord> records = everyRecordType().toList();
            byte[] bytes = MetadataRecordCodec.encodeSnapshot(records);
            assertEquals(records, MetadataRecordCodec.decodeSnapshot(bytes));
            assertEquals(expectedSnapshotSize(records), bytes.length);
        }

        @Test
        void theFormatIsProtobufDelimitedFrames() throws IOException {
            List<MetadataRecord> records = everyRecordType().toList();
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            for (MetadataRecord record : records) {
                MetadataRecordFrame.parseFrom(MetadataRecordCodec.encode(record)).writeDelimitedTo(expected);
            }
            assertArrayEquals(expected.toByteArray(), MetadataRecordCodec.encodeSnapshot(records));
        }

        @Test
        void aHundredThousandPartitionsRoundTrip() {
            List<MetadataRecord> records = new ArrayList<>();
            Random random = new Random(42L);
            for (int topic = 0; topic < 100; topic++) {
                UUID topicId = new UUID(random.nextLong(), random.nextLong());
                records.add(new MetadataRecord.Topic("topic-" + topic, topicId));
                for (int p = 0; p < 1000; p++) {
                    int a = random.nextInt(1000);
                    List<Integer> replicas = List.of(a, a + 1, a + 2);
                    records.add(new MetadataRecord.Partition(topicId, p, replicas, replicas.subList(0, 1 + p % 3),
                            p % 5 == 0 ? List.of(a + 2) : List.of(), p % 7 == 0 ? List.of(a + 1) : List.of(),
                            p % 11 == 0 ? MetadataRecord.NO_LEADER : a,
                            p % 13 == 0 ? LeaderRecoveryState.RECOVERING : LeaderRecoveryState.RECOVERED,
                            random.nextInt(1_000_000), random.nextInt(1_000_000)));
                }
            }
            byte[] bytes = MetadataRecordCodec.encodeSnapshot(records);
            assertEquals(expectedSnapshotSize(records), bytes.length);
            List<MetadataRecord> decoded = MetadataRecordCodec.decodeSnapshot(bytes);
            assertEquals(records.size(), decoded.size());
            assertEquals(records, decoded);
        }

        @Test
        void theDecodedListIsUnmodifiable() {
            List<MetadataRecord> decoded = MetadataRecordCodec.decodeSnapshot(
                    MetadataRecordCodec.encodeSnapshot(List.of(new MetadataRecord.NoOp())));
            assertThrows(UnsupportedOperationException.class, () -> decoded.add(new MetadataRecord.NoOp()));
        }

        @Test
        void aSnapshotCutInsideAFrameIsCorruptAndNamesTheRecord() {
            List<MetadataRecord> records = everyRecordType().toList();
            byte[] bytes = MetadataRecordCodec.encodeSnapshot(records);
            int firstTwo = frameBytes(records.get(0)) + frameBytes(records.get(1));
            // Cut in the middle of the third frame's body: its length prefix promises more.
            CorruptRecordException e = assertThrows(CorruptRecordException.class,
                    () -> MetadataRecordCodec.decodeSnapshot(Arrays.copyOf(bytes, firstTwo + 3)));
            assertTrue(e.getMessage().contains("snapshot record 2 at byte " + firstTwo), e.getMessage());
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
            for (int cut = 1; cut < bytes.length; cut++) {
                byte[] truncated = Arrays.copyOf(bytes, cut);
                try {
                    List<MetadataRecord> prefix = MetadataRecordCodec.decodeSnapshot(truncated);
                    // A cut exactly between frames is a shorter valid snapshot (the snapshot
                    // store's footer catches that), never a different one.
                    assertEquals(records.subList(0, prefix.size()), prefix);
                } catch (CorruptRecordException expected) {
                    assertTrue(expected.getMessage().startsWith("snapshot record "), expected.getMessage());
                }
            }
        }

        @Test
        void aBadFrameInTheMiddleFailsTheWholeSnapshot() throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            CodedOutputStream coded = CodedOutputStream.newInstance(out);
            byte[] first = MetadataRecordCodec.encode(new MetadataRecord.NoOp());
            coded.writeByteArrayNoTag(first);
            coded.writeByteArrayNoTag(MetadataRecordCodec.encode(new MetadataRecord.FenceBroker(1, 2)));
            // Third frame: a partition with a negative id.
            coded.writeByteArrayNoTag(frame(f -> f.setPartition(partitionProto().setPartitionId(-8))));
            coded.writeByteArrayNoTag(first);
            coded.flush();
            CorruptRecordException e = assertThrows(CorruptRecordException.class,
                    () -> MetadataRecordCodec.decodeSnapshot(out.toByteArray()));
            assertTrue(e.getMessage().contains("snapshot record 2"), e.getMessage());
            assertTrue(e.getMessage().contains("PartitionRecord.partition_id"), e.getMessage());
        }

        @Test
        void anEmptyFrameInASnapshotHasNoRecord() {
            byte[] bytes = concat(MetadataRecordCodec.encodeSnapshot(List.of(new MetadataRecord.NoOp())),
                    new byte[] {0});
            CorruptRecordException e = assertThrows(CorruptRecordException.class,
                    () -> MetadataRecordCodec.decodeSnapshot(bytes));
            assertTrue(e.getMessage().contains("snapshot record 1"), e.getMessage());
            assertTrue(e.getMessage().contains("MetadataRecordFrame.record"), e.getMessage());
        }

        @Test
        void aMalformedLengthPrefixIsCorrupt() {
            // Ten continuation bytes: not a varint32.
            byte[] bytes = new byte[11];
            Arrays.fill(bytes, (byte) 0xff);
            CorruptRecordException e = assertThrows(CorruptRecordException.class,
                    () -> MetadataRecordCodec.decodeSnapshot(bytes));
            assertTrue(e.getMessage().contains("snapshot record 0 at byte 0"), e.getMessage());
        }

        @Test
        void aFrameLongerThanTheSnapshotIsCorrupt() {
            byte[] bytes = ByteString.copyFrom(new byte[] {(byte) 0x80, 0x01}).concat(ByteString.copyFrom(
                    MetadataRecordCodec.encode(new MetadataRecord.NoOp()))).toByteArray();
            CorruptRecordException e = assertThrows(CorruptRecordException.class,
                    () -> MetadataRecordCodec.decodeSnapshot(bytes));
            assertTrue(e.getMessage().contains("frame length 128"), e.getMessage());
        }

        private int frameBytes(MetadataRecord record) {
            int size = MetadataRecordCodec.sizeOf(record);
            return CodedOutputStream.computeUInt32SizeNoTag(size) + size;
        }

        private long expectedSnapshotSize(List<MetadataRecord> records) {
            long total = 0;
            for (MetadataRecord record : records) {
                total += frameBytes(record);
            }
            return total;
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
