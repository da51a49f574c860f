/**
 * A source's own durable state (its generation, the trigger strategy's highest published {@code seq}, the timestamp
 * strategy's watermarks and read sequence), one JSON object per piece: in files of the state folder
 * ({@code StateFile}), or in a compacted Kafka topic ({@code KafkaStateTopic}) that every replica of capture-service
 * reads, so that a standby without the leader's volume goes on from the same state.
 */
package io.cdcflow.capture.state;
