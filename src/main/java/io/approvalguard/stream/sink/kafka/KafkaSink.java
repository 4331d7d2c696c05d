package io.approvalguard.stream.sink.kafka;

import io.approvalguard.stream.sink.DeliveryOutcome;
import io.approvalguard.stream.sink.SinkProvider;
import io.approvalguard.stream.sink.StreamEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnknownProducerIdException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * One delivery pass to Kafka, with the node's shared producer: sends every record, then waits for
 * the acknowledgements until the pass's deadline. Each record is either acknowledged by the broker
 * (acks=all) or answered with a retry and a short reason (no payload).
 */
final class KafkaSink implements SinkProvider {

    /** The CloudEvents Kafka binding, structured mode: the value is the whole JSON envelope. */
    static final String CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8";

    static final String CONTENT_TYPE_HEADER = "content-type";
    static final String ID_HEADER = "ce_id";
    static final String TYPE_HEADER = "ce_type";

    /**
     * A producer that has delivered nothing for this long while passes fail is replaced, in case it
     * is stuck.
     */
    static final long STALE_PRODUCER_MILLIS = 300_000;

    private static final int MAX_ERROR_LENGTH = 300;

    private final KafkaSinkSettings settings;
    private final ProducerHolder producers;

    KafkaSink(KafkaSinkSettings settings, ProducerHolder producers) {
        this.settings = settings;
        this.producers = producers;
    }

    @Override
    public List<DeliveryOutcome> deliver(List<StreamEvent> events) {
        if (events.isEmpty()) {
            return List.of();
        }
        if (settings == null || producers == null || !settings.active()) {
            return all(
                    events.size(),
                    DeliveryOutcome.retry(
                            "the Kafka sink is not configured (no "
                                    + KafkaSinkSettings.BOOTSTRAP_SERVERS.name()
                                    + ")"));
        }
        long deadline =
                System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.passTimeoutMillis());
        Producer<String, String> producer;
        try {
            producer = producers.get();
        } catch (RuntimeException e) {
            return all(
                    events.size(),
                    DeliveryOutcome.retry("cannot make the Kafka producer: " + describe(e)));
        }

        int n = events.size();
        DeliveryOutcome[] outcomes = new DeliveryOutcome[n];
        List<Future<RecordMetadata>> futures = new ArrayList<>(Collections.nCopies(n, null));
        String notSent = null;
        String broken = null;
        for (int i = 0; i < n; i++) {
            if (notSent == null && System.nanoTime() - deadline > 0) {
                notSent = "the pass ran out of time";
            }
            if (notSent != null) {
                outcomes[i] = DeliveryOutcome.retry("not sent: " + notSent);
                continue;
            }
            try {
                Future<RecordMetadata> future = producer.send(record(events.get(i)));
                futures.set(i, future);
                Throwable failure = future.isDone() ? failure(future) : null;
                if (failure != null && stopsSending(failure)) {
                    // no metadata or no buffer space within max.block.ms: the next send would wait
                    // as long
                    notSent = describe(failure);
                    if (breaksProducer(failure)) {
                        broken = describe(failure);
                    }
                }
            } catch (RuntimeException e) {
                // not a record's failure but the producer's (closed, in a fatal state)
                outcomes[i] = DeliveryOutcome.retry(describe(e));
                notSent = describe(e);
                broken = describe(e);
            }
        }

        boolean interrupted = false;
        int delivered = 0;
        for (int i = 0; i < n; i++) {
            Future<RecordMetadata> future = futures.get(i);
            if (future == null) {
                continue;
            }
            try {
                long wait = interrupted ? 0 : Math.max(0, deadline - System.nanoTime());
                future.get(wait, TimeUnit.NANOSECONDS);
                outcomes[i] = DeliveryOutcome.delivered();
                delivered++;
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                outcomes[i] = DeliveryOutcome.retry(describe(cause));
                if (broken == null && breaksProducer(cause)) {
                    broken = describe(cause);
                }
            } catch (TimeoutException e) {
                outcomes[i] =
                        DeliveryOutcome.retry(
                                interrupted
                                        ? "interrupted while waiting for Kafka"
                                        : "no acknowledgement from Kafka within "
                                                + settings.passTimeoutMillis()
                                                + " ms");
            } catch (CancellationException e) {
                outcomes[i] = DeliveryOutcome.retry("cancelled");
            } catch (InterruptedException e) {
                interrupted = true;
                outcomes[i] = DeliveryOutcome.retry("interrupted while waiting for Kafka");
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }

        if (delivered > 0) {
            producers.delivered(producer);
        }
        if (broken != null) {
            producers.discard(producer, broken);
        } else if (delivered == 0
                && producers.millisWithoutProgress(producer) > STALE_PRODUCER_MILLIS) {
            producers.discard(
                    producer,
                    "nothing delivered for "
                            + STALE_PRODUCER_MILLIS / 1000
                            + " s: "
                            + outcomes[0].error());
        }
        return Arrays.asList(outcomes);
    }

    private ProducerRecord<String, String> record(StreamEvent event) {
        String key = event.userId() != null ? event.userId() : event.realmId();
        Long timestamp = event.timeMillis() > 0 ? event.timeMillis() : null;
        List<Header> headers = new ArrayList<>(3);
        headers.add(
                new RecordHeader(
                        CONTENT_TYPE_HEADER, CONTENT_TYPE.getBytes(StandardCharsets.UTF_8)));
        if (event.id() != null) {
            headers.add(new RecordHeader(ID_HEADER, event.id().getBytes(StandardCharsets.UTF_8)));
        }
        if (event.type() != null) {
            headers.add(
                    new RecordHeader(TYPE_HEADER, event.type().getBytes(StandardCharsets.UTF_8)));
        }
        return new ProducerRecord<>(settings.topic(), null, timestamp, key, event.json(), headers);
    }

    private static Throwable failure(Future<RecordMetadata> done) {
        try {
            done.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause() == null ? e : e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    /** A failure every following record of the pass would have too, after waiting as long. */
    private static boolean stopsSending(Throwable failure) {
        return failure instanceof org.apache.kafka.common.errors.TimeoutException
                || breaksProducer(failure);
    }

    /**
     * A failure the producer does not recover from by itself (fatal idempotence state, closed,
     * refused credentials or TLS material it only reads when made): the next pass makes a new one.
     */
    static boolean breaksProducer(Throwable failure) {
        return failure instanceof IllegalStateException
                || failure instanceof OutOfOrderSequenceException
                || failure instanceof UnknownProducerIdException
                || failure instanceof InvalidProducerEpochException
                || failure instanceof ProducerFencedException
                || failure instanceof ClusterAuthorizationException
                || failure instanceof AuthenticationException
                || failure instanceof UnsupportedVersionException
                || (failure instanceof KafkaException && !(failure instanceof ApiException));
    }

    /** Exception class and message, on one line, cut short: never the payload. */
    static String describe(Throwable failure) {
        String message = failure.getMessage();
        String text =
                failure.getClass().getSimpleName()
                        + (message == null || message.isBlank()
                                ? ""
                                : ": " + message.replaceAll("\\s+", " ").trim());
        return text.length() <= MAX_ERROR_LENGTH
                ? text
                : text.substring(0, MAX_ERROR_LENGTH - 3) + "...";
    }

    private static List<DeliveryOutcome> all(int n, DeliveryOutcome outcome) {
        return Collections.nCopies(n, outcome);
    }
}
