package io.kraftlet.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftlet.image.MetadataImage;
import io.kraftlet.metadata.ConfigResource;
import io.kraftlet.metadata.MetadataRecord;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Validation of topic and cluster-default configs, and the topic → cluster default → static default chain. */
class ConfigurationControlManagerTest {
    private static final String MIN_ISR = ConfigurationControlManager.MIN_INSYNC_REPLICAS;
    private static final String UNCLEAN = ConfigurationControlManager.UNCLEAN_LEADER_ELECTION_ENABLE;

    private final ConfigurationControlManager manager = new ConfigurationControlManager(
            ControllerConfig.DEFAULT.withTopicDefaults(1, 1, 3, true));
    private final MetadataImage image = TestImages.empty().brokers(1).topic("t", List.of(1)).build();

    private ControllerResult<ControllerApi.AlterConfigsReply> alter(boolean validateOnly,
            ControllerApi.ConfigChange... changes) {
        return manager.alterConfigs(image, new ControllerApi.AlterConfigsRequest(Arrays.asList(changes), validateOnly));
    }

    private static ControllerApi.ConfigChange topic(String name, String value) {
        return new ControllerApi.ConfigChange(ConfigResource.topic("t"), name, value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "2", " 3 ", "1000"})
    void validMinInsyncReplicas(String value) {
        assertEquals(ApiError.NONE, ConfigurationControlManager.validate(MIN_ISR, value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "", "two", "1.5", "2147483648"})
    void invalidMinInsyncReplicasNameTheKeyAndValue(String value) {
        ApiError error = ConfigurationControlManager.validate(MIN_ISR, value);
        assertEquals(ControllerError.INVALID_CONFIG, error.error(), value);
        assertTrue(error.message().contains(MIN_ISR) && error.message().contains("'" + value + "'"), error.message());
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "false", "TRUE", " False "})
    void validUncleanLeaderElectionEnable(String value) {
        assertEquals(ApiError.NONE, ConfigurationControlManager.validate(UNCLEAN, value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "1", "", "truee"})
    void invalidUncleanLeaderElectionEnable(String value) {
        ApiError error = ConfigurationControlManager.validate(UNCLEAN, value);
        assertEquals(ControllerError.INVALID_CONFIG, error.error(), value);
        assertTrue(error.message().contains(UNCLEAN), error.message());
    }

    @Test
    void unknownKeysAreRefusedEvenForRemoval() {
        ApiError error = ConfigurationControlManager.validate("retention.ms", "1");
        assertEquals(ControllerError.INVALID_CONFIG, error.error());
        assertTrue(error.message().contains("retention.ms"), error.message());
        assertEquals(ControllerError.INVALID_CONFIG, ConfigurationControlManager.validate("retention.ms", null).error());
        assertEquals(ApiError.NONE, ConfigurationControlManager.validate(MIN_ISR, null), "null removes a known key");
    }

    @Test
    void validChangesBecomeNormalizedConfigRecords() {
        ControllerResult<ControllerApi.AlterConfigsReply> result = alter(false, topic(MIN_ISR, " 2 "),
                topic(UNCLEAN, "TRUE"));
        assertEquals(List.of(new ControllerApi.ConfigResult(ConfigResource.topic("t"), ApiError.NONE)),
                result.response().resources());
        assertEquals(List.of(new MetadataRecord.Config(ConfigResource.topic("t"), MIN_ISR, "2"),
                new MetadataRecord.Config(ConfigResource.topic("t"), UNCLEAN, "true")), result.records());
        MetadataImage after = TestImages.apply(image, result.records());
        assertEquals(2, manager.minInsyncReplicas(after, "t"));
        assertTrue(manager.uncleanLeaderElectionEnabled(after, "t"));
    }

    @Test
    void aResourceWithOneBadChangeGetsNoRecordsWhileOthersDo() {
        ControllerResult<ControllerApi.AlterConfigsReply> result = alter(false, topic(MIN_ISR, "2"),
                topic(UNCLEAN, "perhaps"),
                new ControllerApi.ConfigChange(ConfigResource.CLUSTER_DEFAULTS, MIN_ISR, "2"));
        assertEquals(ControllerError.INVALID_CONFIG, result.response().resources().get(0).error().error());
        assertTrue(result.response().resources().get(1).error().isSuccess());
        assertEquals(List.of(new MetadataRecord.Config(ConfigResource.CLUSTER_DEFAULTS, MIN_ISR, "2")),
                result.records());
    }

    @Test
    void anUnknownTopicIsRefused() {
        ControllerResult<ControllerApi.AlterConfigsReply> result = manager.alterConfigs(image,
                new ControllerApi.AlterConfigsRequest(List.of(new ControllerApi.ConfigChange(
                        ConfigResource.topic("missing"), MIN_ISR, "2")), false));
        assertEquals(ControllerError.UNKNOWN_TOPIC_OR_PARTITION, result.response().resources().get(0).error().error());
        assertEquals(List.of(), result.records());
    }

    @Test
    void aNamedBrokerResourceIsRefused() {
        ControllerResult<ControllerApi.AlterConfigsReply> result = manager.alterConfigs(image,
                new ControllerApi.AlterConfigsRequest(List.of(new ControllerApi.ConfigChange(
                        new ConfigResource(ConfigResource.Type.BROKER, "1"), MIN_ISR, "2")), false));
        ApiError error = result.response().resources().get(0).error();
        assertEquals(ControllerError.INVALID_REQUEST, error.error());
        assertTrue(error.message().contains("'1'"), error.message());
        assertEquals(List.of(), result.records());
    }

    @Test
    void validateOnlyAnswersButWritesNothing() {
        ControllerResult<ControllerApi.AlterConfigsReply> result = alter(true, topic(MIN_ISR, "2"));
        assertTrue(result.response().resources().get(0).error().isSuccess());
        assertEquals(List.of(), result.records());
        ControllerResult<ControllerApi.AlterConfigsReply> bad = alter(true, topic(MIN_ISR, "0"));
        assertEquals(ControllerError.INVALID_CONFIG, bad.response().resources().get(0).error().error());
    }

    @Test
    void removingAValueWritesANullRecord() {
        MetadataImage withValue = TestImages.apply(image, List.of(
                new MetadataRecord.Config(ConfigResource.topic("t"), MIN_ISR, "2")));
        ControllerResult<ControllerApi.AlterConfigsReply> result = manager.alterConfigs(withValue,
                new ControllerApi.AlterConfigsRequest(List.of(topic(MIN_ISR, null)), false));
        assertEquals(List.of(new MetadataRecord.Config(ConfigResource.topic("t"), MIN_ISR, null)), result.records());
        assertEquals(3, manager.minInsyncReplicas(TestImages.apply(withValue, result.records()), "t"),
                "back to the static default");
    }

    @Test
    void defaultsChainFromTopicToClusterDefaultRecordToStaticDefault() {
        // Static defaults of this manager: min ISR 3, unclean election enabled.
        assertEquals(3, manager.minInsyncReplicas(image, "t"));
        assertTrue(manager.uncleanLeaderElectionEnabled(image, "t"));

        MetadataImage clusterDefault = TestImages.apply(image, List.of(
                new MetadataRecord.Config(ConfigResource.CLUSTER_DEFAULTS, MIN_ISR, "2"),
                new MetadataRecord.Config(ConfigResource.CLUSTER_DEFAULTS, UNCLEAN, "false")));
        assertEquals(2, manager.minInsyncReplicas(clusterDefault, "t"));
        assertFalse(manager.uncleanLeaderElectionEnabled(clusterDefault, "t"));

        MetadataImage topicValue = TestImages.apply(clusterDefault, List.of(
                new MetadataRecord.Config(ConfigResource.topic("t"), MIN_ISR, "1"),
                new MetadataRecord.Config(ConfigResource.topic("t"), UNCLEAN, "true")));
        assertEquals(1, manager.minInsyncReplicas(topicValue, "t"));
        assertTrue(manager.uncleanLeaderElectionEnabled(topicValue, "t"));
        assertEquals(2, manager.minInsyncReplicas(topicValue, "other"), "another topic still inherits the default");
    }
}
