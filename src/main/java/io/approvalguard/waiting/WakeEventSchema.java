package io.approvalguard.waiting;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.infinispan.protostream.FileDescriptorSource;
import org.infinispan.protostream.GeneratedSchema;
import org.infinispan.protostream.ProtobufTagMarshaller;
import org.infinispan.protostream.SerializationContext;
import org.infinispan.protostream.TagReader;
import org.infinispan.protostream.descriptors.WireType;

/**
 * How a {@link WakeEvent} crosses the cluster: Keycloak 26 marshals cluster events with ProtoStream
 * and finds extensions' schemas through {@code ServiceLoader} when the server is built (see
 * META-INF/services). Written by hand: two string fields do not justify an annotation processor.
 */
public final class WakeEventSchema implements GeneratedSchema {

    static final String TYPE = "approvalguard.WakeEvent";
    private static final String FILE = "approval-guard-wake.proto";
    private static final String PROTO =
            """
            syntax = "proto3";
            package approvalguard;
            message WakeEvent {
              string key = 1;
              string state = 2;
            }
            """;

    @Override
    public String getProtoFileName() {
        return FILE;
    }

    @Override
    public String getProtoFile() throws UncheckedIOException {
        return PROTO;
    }

    @Override
    public void registerSchema(SerializationContext context) {
        context.registerProtoFiles(FileDescriptorSource.fromString(FILE, PROTO));
    }

    @Override
    public void registerMarshallers(SerializationContext context) {
        context.registerMarshaller(new Marshaller());
    }

    static final class Marshaller implements ProtobufTagMarshaller<WakeEvent> {

        private static final int KEY_TAG = WireType.makeTag(1, WireType.LENGTH_DELIMITED);
        private static final int STATE_TAG = WireType.makeTag(2, WireType.LENGTH_DELIMITED);

        @Override
        public Class<? extends WakeEvent> getJavaClass() {
            return WakeEvent.class;
        }

        @Override
        public String getTypeName() {
            return TYPE;
        }

        @Override
        public WakeEvent read(ReadContext context) throws IOException {
            TagReader reader = context.getReader();
            String key = null;
            String state = null;
            for (int tag = reader.readTag(); tag != 0; tag = reader.readTag()) {
                if (tag == KEY_TAG) {
                    key = reader.readString();
                } else if (tag == STATE_TAG) {
                    state = reader.readString();
                } else if (!reader.skipField(tag)) {
                    break;
                }
            }
            if (key == null) {
                throw new IOException("wake event without a key");
            }
            return new WakeEvent(key, state);
        }

        @Override
        public void write(WriteContext context, WakeEvent event) throws IOException {
            context.getWriter().writeString(1, event.key());
            context.getWriter().writeString(2, event.state());
        }
    }
}
