package io.approvalguard.bench;

import io.approvalguard.risk.RiskInput;
import io.approvalguard.risk.RiskInputs;
import io.approvalguard.risk.RiskProfile;
import io.approvalguard.risk.RiskScorer;
import io.approvalguard.risk.RiskSettings;
import io.approvalguard.stream.CloudEvents;
import io.approvalguard.stream.sink.StreamEvent;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scorer throughput on one thread (and, with the launcher of {@code exec:exec@jmh} in pom.xml, one
 * core): one operation is one stream record scored, so ops/s are events per second.
 *
 * <ul>
 *   <li>{@link #assess}: the in-memory scoring the risk sink does per record, on records already
 *       extracted: for a prompt, {@link RiskScorer#recordPrompt} on the IP address's profile, then
 *       {@link RiskScorer#assess} on the user's profile.
 *   <li>{@link #parseAndAssess}: the same, starting from the CloudEvents JSON envelope the sink
 *       receives ({@link RiskInputs#parse}), with the profiles looked up by user id and IP address.
 *   <li>{@link #parse}: the envelope parsing alone, to show where the time goes.
 * </ul>
 *
 * <p>10,000 users' profiles (and 5,000 IP addresses') are held in memory and hit in a random order,
 * so the figures are not those of one hot object. The record mix is {@link StreamMix}'s. Stream
 * time advances 20 ms per record (50 records per second for the population), so scores decay and
 * the fatigue and spraying windows fill and empty as in a live stream; the envelopes' timestamps
 * are shifted by the same clock when the pool of pre-built records wraps around. Profiles are
 * loaded with one pass over the stream before measuring. Database reads and writes of the profiles
 * are not part of this benchmark (they are the relay's transaction, outside the login path).
 *
 * <p>Warm-up is 8 iterations of 2 s rather than 3: on one core the JIT compiler threads share the
 * CPU with the benchmark, and {@code parse} (Jackson) was still speeding up after 6 s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 8, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@State(Scope.Thread)
public class RiskScorerBenchmark {

    static final int USERS = 10_000;

    /** Pre-built records, a power of two; the stream cycles through them. */
    static final int RECORDS = 1 << 16;

    static final long STEP_MILLIS = 20;
    static final long T0 = 1_790_000_000_000L;

    private final RiskSettings settings = RiskSettings.DEFAULTS;

    // records, extracted (assess)
    private int[] user;
    private RiskInput.Kind[] kind;
    private String[] country;
    private String[] network;
    private String[] ip;
    private RiskProfile[] ipProfileOf;
    // records as envelopes (parse, parseAndAssess)
    private StreamEvent[] envelopes;

    private String[] userIds;
    private RiskProfile[] profiles;
    private Map<String, RiskProfile> profilesById;
    private Map<String, RiskProfile> ipProfiles;

    private long sequence;

    @Setup(Level.Trial)
    public void setUp() {
        StreamMix mix = new StreamMix(USERS, 20260522L);
        userIds = mix.userIds;
        profiles = new RiskProfile[USERS];
        profilesById = new HashMap<>(USERS * 2);
        for (int u = 0; u < USERS; u++) {
            profiles[u] = new RiskProfile();
            profilesById.put(userIds[u], profiles[u]);
        }
        ipProfiles = new HashMap<>();
        user = new int[RECORDS];
        kind = new RiskInput.Kind[RECORDS];
        country = new String[RECORDS];
        network = new String[RECORDS];
        ip = new String[RECORDS];
        ipProfileOf = new RiskProfile[RECORDS];
        envelopes = new StreamEvent[RECORDS];
        for (int i = 0; i < RECORDS; i++) {
            StreamMix.Item item = mix.next();
            user[i] = item.user();
            kind[i] = item.kind();
            country[i] = item.country();
            network[i] = item.network();
            ip[i] = item.ip();
            ipProfileOf[i] = ipProfiles.computeIfAbsent(item.ip(), k -> new RiskProfile());
            envelopes[i] =
                    CloudEvents.of(mix.keycloakEvent(item, T0 + i * STEP_MILLIS), StreamMix.SOURCE);
        }
        // the profiles have a history before the first measured record
        for (int i = 0; i < RECORDS; i++) {
            assess();
        }
    }

    @Benchmark
    public RiskScorer.Assessment assess() {
        long n = sequence++;
        int i = (int) (n & (RECORDS - 1));
        long now = T0 + n * STEP_MILLIS;
        RiskProfile profile = profiles[user[i]];
        RiskInput.Kind k = kind[i];
        boolean spraying =
                k == RiskInput.Kind.PROMPT_SENT
                        && RiskScorer.recordPrompt(ipProfileOf[i], userIds[user[i]], now, settings);
        return RiskScorer.assess(
                profile, new RiskInput(k, now, country[i], network[i], ip[i]), settings, spraying);
    }

    @Benchmark
    public RiskScorer.Assessment parseAndAssess() {
        long n = sequence++;
        int i = (int) (n & (RECORDS - 1));
        RiskInputs.Parsed parsed = RiskInputs.parse(envelopes[i]);
        RiskInput read = parsed.input();
        // the pool wraps around: move the record to the stream's present
        long now = read.timeMillis() + (n - i) * STEP_MILLIS;
        RiskInput input =
                new RiskInput(read.kind(), now, read.country(), read.network(), read.ipAddress());
        RiskProfile profile = profilesById.get(parsed.userId());
        boolean spraying =
                input.kind() == RiskInput.Kind.PROMPT_SENT
                        && input.ipAddress() != null
                        && RiskScorer.recordPrompt(
                                ipProfiles.get(input.ipAddress()), parsed.userId(), now, settings);
        return RiskScorer.assess(profile, input, settings, spraying);
    }

    @Benchmark
    public RiskInputs.Parsed parse() {
        return RiskInputs.parse(envelopes[(int) (sequence++ & (RECORDS - 1))]);
    }
}
