import * as $protobuf from "protobufjs";
import Long = require("long");

/** Namespace syncgrad. */
export namespace syncgrad {

    /** Codec enum. */
    enum Codec {

        /** FP32 value */
        FP32 = 0,

        /** FP16 value */
        FP16 = 1,

        /** BF16 value */
        BF16 = 2
    }

    /** DataMode enum. */
    enum DataMode {

        /** SHARED_PATH value */
        SHARED_PATH = 0,

        /** OVER_NATS value */
        OVER_NATS = 1
    }

    /** Split enum. */
    enum Split {

        /** TRAIN value */
        TRAIN = 0,

        /** VAL value */
        VAL = 1,

        /** TEST value */
        TEST = 2
    }

    /** ErrorKind enum. */
    enum ErrorKind {

        /** ERROR_OTHER value */
        ERROR_OTHER = 0,

        /** OUT_OF_MEMORY value */
        OUT_OF_MEMORY = 1,

        /** STALE value */
        STALE = 2
    }

    /**
     * Properties of a ModelSpec.
     * @deprecated Use syncgrad.ModelSpec.$Properties instead.
     */
    interface IModelSpec extends syncgrad.ModelSpec.$Properties {
    }

    /** Represents a ModelSpec. */
    class ModelSpec {

        /**
         * Constructs a new ModelSpec.
         * @param [properties] Properties to set
         */
        constructor(properties?: syncgrad.ModelSpec.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** ModelSpec imageSize. */
        imageSize: number;

        /** ModelSpec channels. */
        channels: number;

        /** ModelSpec classes. */
        classes: number;

        /** ModelSpec dropout. */
        dropout: number;

        /** ModelSpec arch. */
        arch: string;

        /** ModelSpec layersJson. */
        layersJson: string;

        /**
         * Creates a new ModelSpec instance using the specified properties.
         * @param [properties] Properties to set
         * @returns ModelSpec instance
         */
        static create(properties: syncgrad.ModelSpec.$Shape): syncgrad.ModelSpec & syncgrad.ModelSpec.$Shape;
        static create(properties?: syncgrad.ModelSpec.$Properties): syncgrad.ModelSpec;

        /**
         * Encodes the specified ModelSpec message. Does not implicitly {@link syncgrad.ModelSpec.verify|verify} messages.
         * @param message ModelSpec message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: syncgrad.ModelSpec.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a ModelSpec message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {syncgrad.ModelSpec & syncgrad.ModelSpec.$Shape} ModelSpec
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): syncgrad.ModelSpec & syncgrad.ModelSpec.$Shape;

        /**
         * Gets the type url for ModelSpec
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace ModelSpec {

        /** Properties of a ModelSpec. */
        interface $Properties {

            /** ModelSpec imageSize */
            imageSize?: (number|null);

            /** ModelSpec channels */
            channels?: (number|null);

            /** ModelSpec classes */
            classes?: (number|null);

            /** ModelSpec dropout */
            dropout?: (number|null);

            /** ModelSpec arch */
            arch?: (string|null);

            /** ModelSpec layersJson */
            layersJson?: (string|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a ModelSpec. */
        type $Shape = syncgrad.ModelSpec.$Properties;
    }

    /**
     * Properties of a JobSpec.
     * @deprecated Use syncgrad.JobSpec.$Properties instead.
     */
    interface IJobSpec extends syncgrad.JobSpec.$Properties {
    }

    /** Represents a JobSpec. */
    class JobSpec {

        /**
         * Constructs a new JobSpec.
         * @param [properties] Properties to set
         */
        constructor(properties?: syncgrad.JobSpec.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** JobSpec job. */
        job: string;

        /** JobSpec model. */
        model?: (syncgrad.ModelSpec.$Properties|null);

        /** JobSpec classes. */
        classes: string[];

        /** JobSpec dataMode. */
        dataMode: syncgrad.DataMode;

        /** JobSpec dataRoot. */
        dataRoot: string;

        /** JobSpec trainCount. */
        trainCount: number;

        /** JobSpec valCount. */
        valCount: number;

        /** JobSpec testCount. */
        testCount: number;

        /** JobSpec indexHash. */
        indexHash: string;

        /** JobSpec gradientCodec. */
        gradientCodec: syncgrad.Codec;

        /** JobSpec chunkBytes. */
        chunkBytes: number;

        /** JobSpec batchSize. */
        batchSize: number;

        /** JobSpec paramCount. */
        paramCount: number;

        /** JobSpec microBatch. */
        microBatch: number;

        /** JobSpec syntheticGradients. */
        syntheticGradients: boolean;

        /** JobSpec learningRate. */
        learningRate: number;

        /** JobSpec shardedExchange. */
        shardedExchange: boolean;

        /**
         * Creates a new JobSpec instance using the specified properties.
         * @param [properties] Properties to set
         * @returns JobSpec instance
         */
        static create(properties: syncgrad.JobSpec.$Shape): syncgrad.JobSpec & syncgrad.JobSpec.$Shape;
        static create(properties?: syncgrad.JobSpec.$Properties): syncgrad.JobSpec;

        /**
         * Encodes the specified JobSpec message. Does not implicitly {@link syncgrad.JobSpec.verify|verify} messages.
         * @param message JobSpec message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: syncgrad.JobSpec.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a JobSpec message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {syncgrad.JobSpec & syncgrad.JobSpec.$Shape} JobSpec
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): syncgrad.JobSpec & syncgrad.JobSpec.$Shape;

        /**
         * Gets the type url for JobSpec
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace JobSpec {

        /** Properties of a JobSpec. */
        interface $Properties {

            /** JobSpec job */
            job?: (string|null);

            /** JobSpec model */
            model?: (syncgrad.ModelSpec.$Properties|null);

            /** JobSpec classes */
            classes?: (string[]|null);

            /** JobSpec dataMode */
            dataMode?: (syncgrad.DataMode|null);

            /** JobSpec dataRoot */
            dataRoot?: (string|null);

            /** JobSpec trainCount */
            trainCount?: (number|null);

            /** JobSpec valCount */
            valCount?: (number|null);

            /** JobSpec testCount */
            testCount?: (number|null);

            /** JobSpec indexHash */
            indexHash?: (string|null);

            /** JobSpec gradientCodec */
            gradientCodec?: (syncgrad.Codec|null);

            /** JobSpec chunkBytes */
            chunkBytes?: (number|null);

            /** JobSpec batchSize */
            batchSize?: (number|null);

            /** JobSpec paramCount */
            paramCount?: (number|null);

            /** JobSpec microBatch */
            microBatch?: (number|null);

            /** JobSpec syntheticGradients */
            syntheticGradients?: (boolean|null);

            /** JobSpec learningRate */
            learningRate?: (number|null);

            /** JobSpec shardedExchange */
            shardedExchange?: (boolean|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a JobSpec. */
        type $Shape = syncgrad.JobSpec.$Properties;
    }

    /**
     * Properties of a JoinRequest.
     * @deprecated Use syncgrad.JoinRequest.$Properties instead.
     */
    interface IJoinRequest extends syncgrad.JoinRequest.$Properties {
    }

    /** Represents a JoinRequest. */
    class JoinRequest {

        /**
         * Constructs a new JoinRequest.
         * @param [properties] Properties to set
         */
        constructor(properties?: syncgrad.JoinRequest.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** JoinRequest workerId. */
        workerId: string;

        /** JoinRequest host. */
        host: string;

        /** JoinRequest pid. */
        pid: number;

        /** JoinRequest backend. */
        backend: string;

        /** JoinRequest version. */
        version: string;

        /** JoinRequest natsServer. */
        natsServer: string;

        /**
         * Creates a new JoinRequest instance using the specified properties.
         * @param [properties] Properties to set
         * @returns JoinRequest instance
         */
        static create(properties: syncgrad.JoinRequest.$Shape): syncgrad.JoinRequest & syncgrad.JoinRequest.$Shape;
        static create(properties?: syncgrad.JoinRequest.$Properties): syncgrad.JoinRequest;

        /**
         * Encodes the specified JoinRequest message. Does not implicitly {@link syncgrad.JoinRequest.verify|verify} messages.
         * @param message JoinRequest message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: syncgrad.JoinRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a JoinRequest message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {syncgrad.JoinRequest & syncgrad.JoinRequest.$Shape} JoinRequest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): syncgrad.JoinRequest & syncgrad.JoinRequest.$Shape;

        /**
         * Gets the type url for JoinRequest
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace JoinRequest {

        /** Properties of a JoinRequest. */
        interface $Properties {

            /** JoinRequest workerId */
            workerId?: (string|null);

            /** JoinRequest host */
            host?: (string|null);

            /** JoinRequest pid */
            pid?: (number|null);

            /** JoinRequest backend */
            backend?: (string|null);

            /** JoinRequest version */
            version?: (string|null);

            /** JoinRequest natsServer */
            natsServer?: (string|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a JoinRequest. */
        type $Shape = syncgrad.JoinRequest.$Properties;
    }

    /**
     * Properties of a JoinReply.
     * @deprecated Use syncgrad.JoinReply.$Properties instead.
     */
    interface IJoinReply extends syncgrad.JoinReply.$Properties {
    }

    /** Represents a JoinReply. */
    class JoinReply {

        /**
         * Constructs a new JoinReply.
         * @param [properties] Properties to set
         */
        constructor(properties?: syncgrad.JoinReply.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** JoinReply accepted. */
        accepted: boolean;

        /** JoinReply reason. */
        reason: string;

        /** JoinReply rank. */
        rank: number;

        /** JoinReply job. */
        job?: (syncgrad.JobSpec.$Properties|null);

        /** JoinReply coordinatorId. */
        coordinatorId: string;

        /**
         * Creates a new JoinReply instance using the specified properties.
         * @param [properties] Properties to set
         * @returns JoinReply instance
         */
        static create(properties: syncgrad.JoinReply.$Shape): syncgrad.JoinReply & syncgrad.JoinReply.$Shape;
        static create(properties?: syncgrad.JoinReply.$Properties): syncgrad.JoinReply;

        /**
         * Encodes the specified JoinReply message. Does not implicitly {@link syncgrad.JoinReply.verify|verify} messages.
         * @param message JoinReply message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: syncgrad.JoinReply.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a JoinReply message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {syncgrad.JoinReply & syncgrad.JoinReply.$Shape} JoinReply
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): syncgrad.JoinReply & syncgrad.JoinReply.$Shape;

        /**
         * Gets the type url for JoinReply
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace JoinReply {

        /** Properties of a JoinReply. */
        interface $Properties {

            /** JoinReply accepted */
            accepted?: (boolean|null);

            /** JoinReply reason */
            reason?: (string|null);

            /** JoinReply rank */
            rank?: (number|null);

            /** JoinReply job */
            job?: (syncgrad.JobSpec.$Properties|null);

            /** JoinReply coordinatorId */
            coordinatorId?: (string|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a JoinReply. */
        type $Shape = syncgrad.JoinReply.$Properties;
    }

    /**
     * Properties of a ReadyRequest.
     * @deprecated Use syncgrad.ReadyRequest.$Properties instead.
     */
    interface IReadyRequest extends syncgrad.ReadyRequest.$Properties {
    }

    /** Represents a ReadyRequest. */
    class ReadyRequest {

        /**
         * Constructs a new ReadyRequest.
         * @param [properties] Properties to set
         */
        constructor(properties?: syncgrad.ReadyRequest.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** ReadyRequest job. */
        job: string;

        /** ReadyRequest workerId. */
        workerId: string;

        /** ReadyRequest rank. */
        rank: number;

        /**
         * Creates a new ReadyRequest instance using the specified properties.
         * @param [properties] Properties to set
         * @returns ReadyRequest instance
         */
        static create(properties: syncgrad.ReadyRequest.$Shape): syncgrad.ReadyRequest & syncgrad.ReadyRequest.$Shape;
        static create(properties?: syncgrad.ReadyRequest.$Properties): syncgrad.ReadyRequest;

        /**
         * Encodes the specified ReadyRequest message. Does not implicitly {@link syncgrad.ReadyRequest.verify|verify} messages.
         * @param message ReadyRequest message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: syncgrad.ReadyRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a ReadyRequest message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {syncgrad.ReadyRequest & syncgrad.ReadyRequest.$Shape} ReadyRequest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): syncgrad.ReadyRequest & syncgrad.ReadyRequest.$Shape;

        /**
         * Gets the type url for ReadyRequest
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace ReadyRequest {

        /** Properties of a ReadyRequest. */
        interface $Properties {

            /** ReadyRequest job */
            job?: (string|null);

            /** ReadyRequest workerId */
            workerId?: (string|null);

            /** ReadyRequest rank */
            rank?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a ReadyRequest. */
        type $Shape = syncgrad.ReadyRequest.$Properties;
    }

    /**
     * Properties of a ReadyReply.
     * @deprecated Use syncgrad.ReadyReply.$Properties instead.
     */
    interface IReadyReply extends syncgrad.ReadyReply.$Properties {
    }

    /** Represents a ReadyReply. */
    class ReadyReply {

        /**
         * Constructs a new ReadyReply.
         * @param [properties] Properties to set
         */
        constructor(properties?: syncgrad.ReadyReply.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** ReadyReply accepted. */
        accepted: boolean;

        /** ReadyReply reason. */
        reason: string;

        /**
         * Creates a new ReadyReply instance using the specified properties.
         * @param [properties] Properties to set
         * @returns ReadyReply instance
         */
        static create(properties: syncgrad.ReadyReply.$Shape): syncgrad.ReadyReply & syncgrad.ReadyReply.$Shape;
        static create(properties?: syncgrad.ReadyReply.$Properties): syncgrad.ReadyReply;

        /**
         * Encodes the specified ReadyReply message. Does not implicitly {@link syncgrad.ReadyReply.verify|verify} messages.
         * @param message ReadyReply message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: syncgrad.ReadyReply.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a ReadyReply message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {syncgrad.ReadyReply & syncgrad.ReadyReply.$Shape} ReadyReply
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): syncgrad.ReadyReply & syncgrad.ReadyReply.$Shape;

        /**
         * Gets the type url for ReadyReply
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace ReadyReply {

        /** Properties of a ReadyReply. */
        interface $Properties {

            /** ReadyReply accepted */
            accepted?: (boolean|null);

            /** ReadyReply reason */
            reason?: (string|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a ReadyReply. */
        type $Shape = syncgrad.ReadyReply.$Properties;
    }

    /**
     * Properties of an IndexRequest.
     * @deprecated Use syncgrad.IndexRequest.$Properties instead.
     */
    interface IIndexRequest extends syncgrad.IndexRequest.$Properties {
    }

    /** Represents an IndexRequest. */
    class IndexRequest {

        /**
         * Constructs a new IndexRequest.
         * @param [properties] Properties to set
         */
        constructor(properties?: syncgrad.IndexRequest.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** IndexRequest job. */
        job: string;

        /** IndexRequest split. */
        split: syncgrad.Split;

        /** IndexRequest offset. */
        offset: number;

        /**
         * Creates a new IndexRequest instance using the specified properties.
         * @param [properties] Properties to set
         * @returns IndexRequest instance
         */
        static create(properties: syncgrad.IndexRequest.$Shape): syncgrad.IndexRequest & syncgrad.IndexRequest.$Shape;
        static create(properties?: syncgrad.IndexRequest.$Properties): syncgrad.IndexRequest;

        /**
         * Encodes the specified IndexRequest message. Does not implicitly {@link syncgrad.IndexRequest.verify|verify} messages.
         * @param message IndexRequest message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: syncgrad.IndexRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes an IndexRequest message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {syncgrad.IndexRequest & syncgrad.IndexRequest.$Shape} IndexRequest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): syncgrad.IndexRequest & syncgrad.IndexRequest.$Shape;

        /**
         * Gets the type url for IndexRequest
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace IndexRequest {

        /** Properties of an IndexRequest. */
        interface $Properties {

            /** IndexRequest job */
            job?: (string|null);

            /** IndexRequest split */
            split?: (syncgrad.Split|null);

            /** IndexRequest offset */
            offset?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of an IndexRequest. */
        type $Shape = syncgrad.IndexRequest.$Properties;
    }

    /**
     * Properties of an IndexReply.
     * @deprecated Use syncgrad.IndexReply.$Properties instead.
     */
    interface IIndexReply extends syncgrad.IndexReply.$Properties {
    }

    /** Represents an IndexReply. */
    class IndexReply {

        /**
         * Constructs a new IndexReply.
         * @param [properties] Properties to set
         */
        constructor(properties?: syncgrad.IndexReply.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** IndexReply paths. */
        paths: string[];

        /** IndexReply labels. */
        labels: number[];

        /** IndexReply total. */
        total: number;

        /**
         * Creates a new IndexReply instance using the specified properties.
         * @param [properties] Properties to set
         * @returns IndexReply instance
         */
        static create(properties: syncgrad.IndexReply.$Shape): syncgrad.IndexReply & syncgrad.IndexReply.$Shape;
        static create(properties?: syncgrad.IndexReply.$Properties): syncgrad.IndexReply;

        /**
         * Encodes the specified IndexReply message. Does not implicitly {@link syncgrad.IndexReply.verify|verify} messages.
         * @param message IndexReply message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: syncgrad.IndexReply.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes an IndexReply message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {syncgrad.IndexReply & syncgrad.IndexReply.$Shape} IndexReply
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): syncgrad.IndexReply & syncgrad.IndexReply.$Shape;

        /**
         * Gets the type url for IndexReply
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace IndexReply {

        /** Properties of an IndexReply. */
        interface $Properties {

            /** IndexReply paths */
            paths?: (string[]|null);

            /** IndexReply labels */
            labels?: (number[]|null);

            /** IndexReply total */
            total?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of an IndexReply. */
        type $Shape = syncgrad.IndexReply.$Properties;
    }

    /**
     * Properties of a ChunkRequest.
     * @deprecated Use syncgrad.ChunkRequest.$Properties instead.
     */
    interface IChunkRequest extends syncgrad.ChunkRequest.$Properties {
    }

    /** Represents a ChunkRequest. */
    class ChunkRequest {

        /**
         * Constructs a new ChunkRequest.
         * @param [properties] Properties to set
         */
        constructor(properties?: syncgrad.ChunkRequest.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** ChunkRequest job. */
        job: string;

        /** ChunkRequest version. */
        version: number;

        /** ChunkRequest index. */
        index: number;

        /** ChunkRequest rank. */
        rank: number;

        /**
         * Creates a new ChunkRequest instance using the specified properties.
         * @param [properties] Properties to set
         * @returns ChunkRequest instance
         */
        static create(properties: syncgrad.ChunkRequest.$Shape): syncgrad.ChunkRequest & syncgrad.ChunkRequest.$Shape;
        static create(properties?: syncgrad.ChunkRequest.$Properties): syncgrad.ChunkRequest;

        /**
         * Encodes the specified ChunkRequest message. Does not implicitly {@link syncgrad.ChunkRequest.verify|verify} messages.
         * @param message ChunkRequest message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: syncgrad.ChunkRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a ChunkRequest message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {syncgrad.ChunkRequest & syncgrad.ChunkRequest.$Shape} ChunkRequest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): syncgrad.ChunkRequest & syncgrad.ChunkRequest.$Shape;

        /**
         * Gets the type url for ChunkRequest
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace ChunkRequest {

        /** Properties of a ChunkRequest. */
        interface $Properties {

            /** ChunkRequest job */
            job?: (string|null);

            /** ChunkRequest version */
            version?: (number|null);

            /** ChunkRequest index */
            index?: (number|null);

            /** ChunkRequest rank */
            rank?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a ChunkRequest. */
        type $Shape = syncgrad.ChunkRequest.$Properties;
    }

    /**
     * Properties of a TensorChunk.
     * @deprecated Use syncgrad.TensorChunk.$Properties instead.
     */
    interface ITensorChunk extends syncgrad.TensorChunk.$Properties {
    }

    /** Represents a TensorChunk. */
    class TensorChunk {

        /**
         * Constructs a new TensorChunk.
         * @param [properties] Properties to set
         */
        constructor(properties?: syncgrad.TensorChunk.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** TensorChunk job. */
        job: string;

        /** TensorChunk version. */
        version: number;

        /** TensorChunk index. */
        index: number;

        /** TensorChunk count. */
        count: number;

        /** TensorChunk offset. */
        offset: number;

        /** TensorChunk total. */
        total: number;

        /** TensorChunk codec. */
        codec: syncgrad.Codec;

        /** TensorChunk data. */
        data: Uint8Array;

        /** TensorChunk error. */
        error: string;

        /** TensorChunk errorKind. */
        errorKind: syncgrad.ErrorKind;

        /** TensorChunk fromRank. */
        fromRank: number;

        /** TensorChunk samples. */
        samples: number;

        /**
         * Creates a new TensorChunk instance using the specified properties.
         * @param [properties] Properties to set
         * @returns TensorChunk instance
         */
        static create(properties: syncgrad.TensorChunk.$Shape): syncgrad.TensorChunk & syncgrad.TensorChunk.$Shape;
        static create(properties?: syncgrad.TensorChunk.$Properties): syncgrad.TensorChunk;

        /**
         * Encodes the specified TensorChunk message. Does not implicitly {@link syncgrad.TensorChunk.verify|verify} messages.
         * @param message TensorChunk message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: syncgrad.TensorChunk.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a TensorChunk message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {syncgrad.TensorChunk & syncgrad.TensorChunk.$Shape} TensorChunk
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): syncgrad.TensorChunk & syncgrad.TensorChunk.$Shape;

        /**
         * Gets the type url for TensorChunk
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace TensorChunk {

        /** Properties of a TensorChunk. */
        interface $Properties {

            /** TensorChunk job */
            job?: (string|null);

            /** TensorChunk version */
            version?: (number|null);

            /** TensorChunk index */
            index?: (number|null);

            /** TensorChunk count */
            count?: (number|null);

            /** TensorChunk offset */
            offset?: (number|null);

            /** TensorChunk total */
            total?: (number|null);

            /** TensorChunk codec */
            codec?: (syncgrad.Codec|null);

            /** TensorChunk data */
            data?: (Uint8Array|null);

            /** TensorChunk error */
            error?: (string|null);

            /** TensorChunk errorKind */
            errorKind?: (syncgrad.ErrorKind|null);

            /** TensorChunk fromRank */
            fromRank?: (number|null);

            /** TensorChunk samples */
            samples?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a TensorChunk. */
        type $Shape = syncgrad.TensorChunk.$Properties;
    }

    /**
     * Properties of a StepCommand.
     * @deprecated Use syncgrad.StepCommand.$Properties instead.
     */
    interface IStepCommand extends syncgrad.StepCommand.$Properties {
    }

    /** Represents a StepCommand. */
    class StepCommand {

        /**
         * Constructs a new StepCommand.
         * @param [properties] Properties to set
         */
        constructor(properties?: syncgrad.StepCommand.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** StepCommand job. */
        job: string;

        /** StepCommand step. */
        step: number;

        /** StepCommand epoch. */
        epoch: number;

        /** StepCommand paramsVersion. */
        paramsVersion: number;

        /** StepCommand paramsChecksum. */
        paramsChecksum: number;

        /** StepCommand indices. */
        indices: number[];

        /** StepCommand dropoutSeed. */
        dropoutSeed: number;

        /** StepCommand rank. */
        rank: number;

        /** StepCommand reduceRanks. */
        reduceRanks: number[];

        /** StepCommand exchange. */
        exchange: number;

        /** StepCommand adamStep. */
        adamStep: number;

        /**
         * Creates a new StepCommand instance using the specified properties.
         * @param [properties] Properties to set
         * @returns StepCommand instance
         */
        static create(properties: syncgrad.StepCommand.$Shape): syncgrad.StepCommand & syncgrad.StepCommand.$Shape;
        static create(properties?: syncgrad.StepCommand.$Properties): syncgrad.StepCommand;

        /**
         * Encodes the specified StepCommand message. Does not implicitly {@link syncgrad.StepCommand.verify|verify} messages.
         * @param message StepCommand message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: syncgrad.StepCommand.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a StepCommand message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {syncgrad.StepCommand & syncgrad.StepCommand.$Shape} StepCommand
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): syncgrad.StepCommand & syncgrad.StepCommand.$Shape;

        /**
         * Gets the type url for StepCommand
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace StepCommand {

        /** Properties of a StepCommand. */
        interface $Properties {

            /** StepCommand job */
            job?: (string|null);

            /** StepCommand step */
            step?: (number|null);

            /** StepCommand epoch */
            epoch?: (number|null);

            /** StepCommand paramsVersion */
            paramsVersion?: (number|null);

            /** StepCommand paramsChecksum */
            paramsChecksum?: (number|null);

            /** StepCommand indices */
            indices?: (number[]|null);

            /** StepCommand dropoutSeed */
            dropoutSeed?: (number|null);

            /** StepCommand rank */
            rank?: (number|null);

            /** StepCommand reduceRanks */
            reduceRanks?: (number[]|null);

            /** StepCommand exchange */
            exchange?: (number|null);

            /** StepCommand adamStep */
            adamStep?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a StepCommand. */
        type $Shape = syncgrad.StepCommand.$Properties;
    }

    /**
     * Properties of a StepResult.
     * @deprecated Use syncgrad.StepResult.$Properties instead.
     */
    interface IStepResult extends syncgrad.StepResult.$Properties {
    }

    /** Represents a StepResult. */
    class StepResult {

        /**
         * Constructs a new StepResult.
         * @param [properties] Properties to set
         */
        constructor(properties?: syncgrad.StepResult.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** StepResult job. */
        job: string;

        /** StepResult step. */
        step: number;

        /** StepResult rank. */
        rank: number;

        /** StepResult loss. */
        loss: number;

        /** StepResult correct. */
        correct: number;

        /** StepResult count. */
        count: number;

        /** StepResult computeSeconds. */
        computeSeconds: number;

        /** StepResult chunkCount. */
        chunkCount: number;

        /** StepResult total. */
        total: number;

        /** StepResult checksum. */
        checksum: number;

        /** StepResult skipped. */
        skipped: number;

        /** StepResult error. */
        error: string;

        /** StepResult skippedPaths. */
        skippedPaths: string[];

        /** StepResult errorKind. */
        errorKind: syncgrad.ErrorKind;

        /** StepResult readyMs. */
        readyMs: number;

        /** StepResult weightsHeldMs. */
        weightsHeldMs: number;

        /** StepResult bytesIn. */
        bytesIn: number;

        /** StepResult bytesOut. */
        bytesOut: number;

        /** StepResult weightsChecksum. */
        weightsChecksum: number;

        /** StepResult reducedMs. */
        reducedMs: number;

        /** StepResult repairs. */
        repairs: number;

        /**
         * Creates a new StepResult instance using the specified properties.
         * @param [properties] Properties to set
         * @returns StepResult instance
         */
        static create(properties: syncgrad.StepResult.$Shape): syncgrad.StepResult & syncgrad.StepResult.$Shape;
        static create(properties?: syncgrad.StepResult.$Properties): syncgrad.StepResult;

        /**
         * Encodes the specified StepResult message. Does not implicitly {@link syncgrad.StepResult.verify|verify} messages.
         * @param message StepResult message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: syncgrad.StepResult.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a StepResult message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {syncgrad.StepResult & syncgrad.StepResult.$Shape} StepResult
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): syncgrad.StepResult & syncgrad.StepResult.$Shape;

        /**
         * Gets the type url for StepResult
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace StepResult {

        /** Properties of a StepResult. */
        interface $Properties {

            /** StepResult job */
            job?: (string|null);

            /** StepResult step */
            step?: (number|null);

            /** StepResult rank */
            rank?: (number|null);

            /** StepResult loss */
            loss?: (number|null);

            /** StepResult correct */
            correct?: (number|null);

            /** StepResult count */
            count?: (number|null);

            /** StepResult computeSeconds */
            computeSeconds?: (number|null);

            /** StepResult chunkCount */
            chunkCount?: (number|null);

            /** StepResult total */
            total?: (number|null);

            /** StepResult checksum */
            checksum?: (number|null);

            /** StepResult skipped */
            skipped?: (number|null);

            /** StepResult error */
            error?: (string|null);

            /** StepResult skippedPaths */
            skippedPaths?: (string[]|null);

            /** StepResult errorKind */
            errorKind?: (syncgrad.ErrorKind|null);

            /** StepResult readyMs */
            readyMs?: (number|null);

            /** StepResult weightsHeldMs */
            weightsHeldMs?: (number|null);

            /** StepResult bytesIn */
            bytesIn?: (number|null);

            /** StepResult bytesOut */
            bytesOut?: (number|null);

            /** StepResult weightsChecksum */
            weightsChecksum?: (number|null);

            /** StepResult reducedMs */
            reducedMs?: (number|null);

            /** StepResult repairs */
            repairs?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a StepResult. */
        type $Shape = syncgrad.StepResult.$Properties;
    }

    /**
     * Properties of an EvalCommand.
     * @deprecated Use syncgrad.EvalCommand.$Properties instead.
     */
    interface IEvalCommand extends syncgrad.EvalCommand.$Properties {
    }

    /** Represents an EvalCommand. */
    class EvalCommand {

        /**
         * Constructs a new EvalCommand.
         * @param [properties] Properties to set
         */
        constructor(properties?: syncgrad.EvalCommand.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** EvalCommand job. */
        job: string;

        /** EvalCommand paramsVersion. */
        paramsVersion: number;

        /** EvalCommand paramsChecksum. */
        paramsChecksum: number;

        /** EvalCommand split. */
        split: syncgrad.Split;

        /** EvalCommand indices. */
        indices: number[];

        /** EvalCommand batchSize. */
        batchSize: number;

        /** EvalCommand fpsBatches. */
        fpsBatches: number;

        /** EvalCommand seq. */
        seq: number;

        /**
         * Creates a new EvalCommand instance using the specified properties.
         * @param [properties] Properties to set
         * @returns EvalCommand instance
         */
        static create(properties: syncgrad.EvalCommand.$Shape): syncgrad.EvalCommand & syncgrad.EvalCommand.$Shape;
        static create(properties?: syncgrad.EvalCommand.$Properties): syncgrad.EvalCommand;

        /**
         * Encodes the specified EvalCommand message. Does not implicitly {@link syncgrad.EvalCommand.verify|verify} messages.
         * @param message EvalCommand message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: syncgrad.EvalCommand.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes an EvalCommand message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {syncgrad.EvalCommand & syncgrad.EvalCommand.$Shape} EvalCommand
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): syncgrad.EvalCommand & syncgrad.EvalCommand.$Shape;

        /**
         * Gets the type url for EvalCommand
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace EvalCommand {

        /** Properties of an EvalCommand. */
        interface $Properties {

            /** EvalCommand job */
            job?: (string|null);

            /** EvalCommand paramsVersion */
            paramsVersion?: (number|null);

            /** EvalCommand paramsChecksum */
            paramsChecksum?: (number|null);

            /** EvalCommand split */
            split?: (syncgrad.Split|null);

            /** EvalCommand indices */
            indices?: (number[]|null);

            /** EvalCommand batchSize */
            batchSize?: (number|null);

            /** EvalCommand fpsBatches */
            fpsBatches?: (number|null);

            /** EvalCommand seq */
            seq?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of an EvalCommand. */
        type $Shape = syncgrad.EvalCommand.$Properties;
    }

    /**
     * Properties of an EvalResult.
     * @deprecated Use syncgrad.EvalResult.$Properties instead.
     */
    interface IEvalResult extends syncgrad.EvalResult.$Properties {
    }

    /** Represents an EvalResult. */
    class EvalResult {

        /**
         * Constructs a new EvalResult.
         * @param [properties] Properties to set
         */
        constructor(properties?: syncgrad.EvalResult.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** EvalResult job. */
        job: string;

        /** EvalResult rank. */
        rank: number;

        /** EvalResult correct. */
        correct: number;

        /** EvalResult count. */
        count: number;

        /** EvalResult lossSum. */
        lossSum: number;

        /** EvalResult fpsSeconds. */
        fpsSeconds: number;

        /** EvalResult fpsImages. */
        fpsImages: number;

        /** EvalResult labels. */
        labels: number[];

        /** EvalResult predictions. */
        predictions: number[];

        /** EvalResult error. */
        error: string;

        /** EvalResult skipped. */
        skipped: number;

        /** EvalResult errorKind. */
        errorKind: syncgrad.ErrorKind;

        /**
         * Creates a new EvalResult instance using the specified properties.
         * @param [properties] Properties to set
         * @returns EvalResult instance
         */
        static create(properties: syncgrad.EvalResult.$Shape): syncgrad.EvalResult & syncgrad.EvalResult.$Shape;
        static create(properties?: syncgrad.EvalResult.$Properties): syncgrad.EvalResult;

        /**
         * Encodes the specified EvalResult message. Does not implicitly {@link syncgrad.EvalResult.verify|verify} messages.
         * @param message EvalResult message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: syncgrad.EvalResult.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes an EvalResult message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {syncgrad.EvalResult & syncgrad.EvalResult.$Shape} EvalResult
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): syncgrad.EvalResult & syncgrad.EvalResult.$Shape;

        /**
         * Gets the type url for EvalResult
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace EvalResult {

        /** Properties of an EvalResult. */
        interface $Properties {

            /** EvalResult job */
            job?: (string|null);

            /** EvalResult rank */
            rank?: (number|null);

            /** EvalResult correct */
            correct?: (number|null);

            /** EvalResult count */
            count?: (number|null);

            /** EvalResult lossSum */
            lossSum?: (number|null);

            /** EvalResult fpsSeconds */
            fpsSeconds?: (number|null);

            /** EvalResult fpsImages */
            fpsImages?: (number|null);

            /** EvalResult labels */
            labels?: (number[]|null);

            /** EvalResult predictions */
            predictions?: (number[]|null);

            /** EvalResult error */
            error?: (string|null);

            /** EvalResult skipped */
            skipped?: (number|null);

            /** EvalResult errorKind */
            errorKind?: (syncgrad.ErrorKind|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of an EvalResult. */
        type $Shape = syncgrad.EvalResult.$Properties;
    }

    /**
     * Properties of a DataRequest.
     * @deprecated Use syncgrad.DataRequest.$Properties instead.
     */
    interface IDataRequest extends syncgrad.DataRequest.$Properties {
    }

    /** Represents a DataRequest. */
    class DataRequest {

        /**
         * Constructs a new DataRequest.
         * @param [properties] Properties to set
         */
        constructor(properties?: syncgrad.DataRequest.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** DataRequest job. */
        job: string;

        /** DataRequest path. */
        path: string;

        /** DataRequest offset. */
        offset: number;

        /**
         * Creates a new DataRequest instance using the specified properties.
         * @param [properties] Properties to set
         * @returns DataRequest instance
         */
        static create(properties: syncgrad.DataRequest.$Shape): syncgrad.DataRequest & syncgrad.DataRequest.$Shape;
        static create(properties?: syncgrad.DataRequest.$Properties): syncgrad.DataRequest;

        /**
         * Encodes the specified DataRequest message. Does not implicitly {@link syncgrad.DataRequest.verify|verify} messages.
         * @param message DataRequest message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: syncgrad.DataRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a DataRequest message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {syncgrad.DataRequest & syncgrad.DataRequest.$Shape} DataRequest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): syncgrad.DataRequest & syncgrad.DataRequest.$Shape;

        /**
         * Gets the type url for DataRequest
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace DataRequest {

        /** Properties of a DataRequest. */
        interface $Properties {

            /** DataRequest job */
            job?: (string|null);

            /** DataRequest path */
            path?: (string|null);

            /** DataRequest offset */
            offset?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a DataRequest. */
        type $Shape = syncgrad.DataRequest.$Properties;
    }

    /**
     * Properties of a DataReply.
     * @deprecated Use syncgrad.DataReply.$Properties instead.
     */
    interface IDataReply extends syncgrad.DataReply.$Properties {
    }

    /** Represents a DataReply. */
    class DataReply {

        /**
         * Constructs a new DataReply.
         * @param [properties] Properties to set
         */
        constructor(properties?: syncgrad.DataReply.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** DataReply data. */
        data: Uint8Array;

        /** DataReply total. */
        total: number;

        /** DataReply error. */
        error: string;

        /**
         * Creates a new DataReply instance using the specified properties.
         * @param [properties] Properties to set
         * @returns DataReply instance
         */
        static create(properties: syncgrad.DataReply.$Shape): syncgrad.DataReply & syncgrad.DataReply.$Shape;
        static create(properties?: syncgrad.DataReply.$Properties): syncgrad.DataReply;

        /**
         * Encodes the specified DataReply message. Does not implicitly {@link syncgrad.DataReply.verify|verify} messages.
         * @param message DataReply message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: syncgrad.DataReply.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a DataReply message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {syncgrad.DataReply & syncgrad.DataReply.$Shape} DataReply
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): syncgrad.DataReply & syncgrad.DataReply.$Shape;

        /**
         * Gets the type url for DataReply
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace DataReply {

        /** Properties of a DataReply. */
        interface $Properties {

            /** DataReply data */
            data?: (Uint8Array|null);

            /** DataReply total */
            total?: (number|null);

            /** DataReply error */
            error?: (string|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a DataReply. */
        type $Shape = syncgrad.DataReply.$Properties;
    }

    /**
     * Properties of a Ping.
     * @deprecated Use syncgrad.Ping.$Properties instead.
     */
    interface IPing extends syncgrad.Ping.$Properties {
    }

    /** Represents a Ping. */
    class Ping {

        /**
         * Constructs a new Ping.
         * @param [properties] Properties to set
         */
        constructor(properties?: syncgrad.Ping.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Ping job. */
        job: string;

        /** Ping sentMs. */
        sentMs: number;

        /**
         * Creates a new Ping instance using the specified properties.
         * @param [properties] Properties to set
         * @returns Ping instance
         */
        static create(properties: syncgrad.Ping.$Shape): syncgrad.Ping & syncgrad.Ping.$Shape;
        static create(properties?: syncgrad.Ping.$Properties): syncgrad.Ping;

        /**
         * Encodes the specified Ping message. Does not implicitly {@link syncgrad.Ping.verify|verify} messages.
         * @param message Ping message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: syncgrad.Ping.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Ping message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {syncgrad.Ping & syncgrad.Ping.$Shape} Ping
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): syncgrad.Ping & syncgrad.Ping.$Shape;

        /**
         * Gets the type url for Ping
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Ping {

        /** Properties of a Ping. */
        interface $Properties {

            /** Ping job */
            job?: (string|null);

            /** Ping sentMs */
            sentMs?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Ping. */
        type $Shape = syncgrad.Ping.$Properties;
    }

    /**
     * Properties of a Pong.
     * @deprecated Use syncgrad.Pong.$Properties instead.
     */
    interface IPong extends syncgrad.Pong.$Properties {
    }

    /** Represents a Pong. */
    class Pong {

        /**
         * Constructs a new Pong.
         * @param [properties] Properties to set
         */
        constructor(properties?: syncgrad.Pong.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Pong workerId. */
        workerId: string;

        /** Pong rank. */
        rank: number;

        /** Pong paramsVersion. */
        paramsVersion: number;

        /** Pong currentSeq. */
        currentSeq: number;

        /** Pong lastSeq. */
        lastSeq: number;

        /**
         * Creates a new Pong instance using the specified properties.
         * @param [properties] Properties to set
         * @returns Pong instance
         */
        static create(properties: syncgrad.Pong.$Shape): syncgrad.Pong & syncgrad.Pong.$Shape;
        static create(properties?: syncgrad.Pong.$Properties): syncgrad.Pong;

        /**
         * Encodes the specified Pong message. Does not implicitly {@link syncgrad.Pong.verify|verify} messages.
         * @param message Pong message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: syncgrad.Pong.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Pong message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {syncgrad.Pong & syncgrad.Pong.$Shape} Pong
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): syncgrad.Pong & syncgrad.Pong.$Shape;

        /**
         * Gets the type url for Pong
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Pong {

        /** Properties of a Pong. */
        interface $Properties {

            /** Pong workerId */
            workerId?: (string|null);

            /** Pong rank */
            rank?: (number|null);

            /** Pong paramsVersion */
            paramsVersion?: (number|null);

            /** Pong currentSeq */
            currentSeq?: (number|null);

            /** Pong lastSeq */
            lastSeq?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Pong. */
        type $Shape = syncgrad.Pong.$Properties;
    }

    /**
     * Properties of a Control.
     * @deprecated Use syncgrad.Control.$Properties instead.
     */
    interface IControl extends syncgrad.Control.$Properties {
    }

    /** Represents a Control. */
    class Control {

        /**
         * Constructs a new Control.
         * @param [properties] Properties to set
         */
        constructor(properties?: syncgrad.Control.$Properties);

        /** Unknown fields preserved while decoding when enabled */
        $unknowns?: Uint8Array[];

        /** Control job. */
        job: string;

        /** Control kind. */
        kind: syncgrad.Control.Kind;

        /** Control reason. */
        reason: string;

        /** Control workerId. */
        workerId: string;

        /** Control coordinatorId. */
        coordinatorId: string;

        /** Control exchange. */
        exchange: number;

        /**
         * Creates a new Control instance using the specified properties.
         * @param [properties] Properties to set
         * @returns Control instance
         */
        static create(properties: syncgrad.Control.$Shape): syncgrad.Control & syncgrad.Control.$Shape;
        static create(properties?: syncgrad.Control.$Properties): syncgrad.Control;

        /**
         * Encodes the specified Control message. Does not implicitly {@link syncgrad.Control.verify|verify} messages.
         * @param message Control message or plain object to encode
         * @param [writer] Writer to encode to
         * @returns Writer
         */
        static encode(message: syncgrad.Control.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

        /**
         * Decodes a Control message from the specified reader or buffer.
         * @param reader Reader or buffer to decode from
         * @param [length] Message length if known beforehand
         * @returns {syncgrad.Control & syncgrad.Control.$Shape} Control
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): syncgrad.Control & syncgrad.Control.$Shape;

        /**
         * Gets the type url for Control
         * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns The type url
         */
        static getTypeUrl(prefix?: string): string;
    }

    namespace Control {

        /** Properties of a Control. */
        interface $Properties {

            /** Control job */
            job?: (string|null);

            /** Control kind */
            kind?: (syncgrad.Control.Kind|null);

            /** Control reason */
            reason?: (string|null);

            /** Control workerId */
            workerId?: (string|null);

            /** Control coordinatorId */
            coordinatorId?: (string|null);

            /** Control exchange */
            exchange?: (number|null);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];
        }

        /** Shape of a Control. */
        type $Shape = syncgrad.Control.$Properties;

        /** Kind enum. */
        enum Kind {

            /** SHUTDOWN value */
            SHUTDOWN = 0,

            /** EVICT value */
            EVICT = 1,

            /** HEARTBEAT value */
            HEARTBEAT = 2,

            /** ABORT value */
            ABORT = 3
        }
    }
}
