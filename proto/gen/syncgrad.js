/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-mixed-operators, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars, default-case, jsdoc/require-param*/
import $protobuf from "protobufjs/minimal.js";

// Common aliases
const $Reader = $protobuf.Reader, $Writer = $protobuf.Writer, $util = $protobuf.util;
const $Object = $util.global.Object, $undefined = $util.global.undefined, $Error = $util.global.Error, $RangeError = $util.global.RangeError;

// Exported root namespace
const $root = $protobuf.roots["default"] || ($protobuf.roots["default"] = {});

export const syncgrad = $root.syncgrad = (() => {

    /**
     * Namespace syncgrad.
     * @exports syncgrad
     * @namespace
     */
    const syncgrad = {};

    /**
     * Codec enum.
     * @name syncgrad.Codec
     * @enum {number}
     * @property {number} FP32=0 FP32 value
     * @property {number} FP16=1 FP16 value
     * @property {number} BF16=2 BF16 value
     */
    syncgrad.Codec = (function() {
        const valuesById = $Object.create(null), values = $Object.create(valuesById);
        values[valuesById[0] = "FP32"] = 0;
        values[valuesById[1] = "FP16"] = 1;
        values[valuesById[2] = "BF16"] = 2;
        return values;
    })();

    /**
     * DataMode enum.
     * @name syncgrad.DataMode
     * @enum {number}
     * @property {number} SHARED_PATH=0 SHARED_PATH value
     * @property {number} OVER_NATS=1 OVER_NATS value
     */
    syncgrad.DataMode = (function() {
        const valuesById = $Object.create(null), values = $Object.create(valuesById);
        values[valuesById[0] = "SHARED_PATH"] = 0;
        values[valuesById[1] = "OVER_NATS"] = 1;
        return values;
    })();

    /**
     * Split enum.
     * @name syncgrad.Split
     * @enum {number}
     * @property {number} TRAIN=0 TRAIN value
     * @property {number} VAL=1 VAL value
     * @property {number} TEST=2 TEST value
     */
    syncgrad.Split = (function() {
        const valuesById = $Object.create(null), values = $Object.create(valuesById);
        values[valuesById[0] = "TRAIN"] = 0;
        values[valuesById[1] = "VAL"] = 1;
        values[valuesById[2] = "TEST"] = 2;
        return values;
    })();

    /**
     * ErrorKind enum.
     * @name syncgrad.ErrorKind
     * @enum {number}
     * @property {number} ERROR_OTHER=0 ERROR_OTHER value
     * @property {number} OUT_OF_MEMORY=1 OUT_OF_MEMORY value
     * @property {number} STALE=2 STALE value
     */
    syncgrad.ErrorKind = (function() {
        const valuesById = $Object.create(null), values = $Object.create(valuesById);
        values[valuesById[0] = "ERROR_OTHER"] = 0;
        values[valuesById[1] = "OUT_OF_MEMORY"] = 1;
        values[valuesById[2] = "STALE"] = 2;
        return values;
    })();

    syncgrad.ModelSpec = (function() {

        /**
         * Properties of a ModelSpec.
         * @typedef {Object} syncgrad.ModelSpec.$Properties
         * @property {number|null} [imageSize] ModelSpec imageSize
         * @property {number|null} [channels] ModelSpec channels
         * @property {number|null} [classes] ModelSpec classes
         * @property {number|null} [dropout] ModelSpec dropout
         * @property {string|null} [arch] ModelSpec arch
         * @property {string|null} [layersJson] ModelSpec layersJson
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a ModelSpec.
         * @memberof syncgrad
         * @interface IModelSpec
         * @augments syncgrad.ModelSpec.$Properties
         * @deprecated Use syncgrad.ModelSpec.$Properties instead.
         */

        /**
         * Shape of a ModelSpec.
         * @typedef {syncgrad.ModelSpec.$Properties} syncgrad.ModelSpec.$Shape
         */

        /**
         * Constructs a new ModelSpec.
         * @memberof syncgrad
         * @classdesc Represents a ModelSpec.
         * @constructor
         * @param {syncgrad.ModelSpec.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const ModelSpec = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * ModelSpec imageSize.
         * @member {number} imageSize
         * @memberof syncgrad.ModelSpec
         * @instance
         */
        ModelSpec.prototype.imageSize = 0;

        /**
         * ModelSpec channels.
         * @member {number} channels
         * @memberof syncgrad.ModelSpec
         * @instance
         */
        ModelSpec.prototype.channels = 0;

        /**
         * ModelSpec classes.
         * @member {number} classes
         * @memberof syncgrad.ModelSpec
         * @instance
         */
        ModelSpec.prototype.classes = 0;

        /**
         * ModelSpec dropout.
         * @member {number} dropout
         * @memberof syncgrad.ModelSpec
         * @instance
         */
        ModelSpec.prototype.dropout = 0;

        /**
         * ModelSpec arch.
         * @member {string} arch
         * @memberof syncgrad.ModelSpec
         * @instance
         */
        ModelSpec.prototype.arch = "";

        /**
         * ModelSpec layersJson.
         * @member {string} layersJson
         * @memberof syncgrad.ModelSpec
         * @instance
         */
        ModelSpec.prototype.layersJson = "";

        /**
         * Creates a new ModelSpec instance using the specified properties.
         * @function create
         * @memberof syncgrad.ModelSpec
         * @static
         * @param {syncgrad.ModelSpec.$Properties=} [properties] Properties to set
         * @returns {syncgrad.ModelSpec} ModelSpec instance
         * @type {{
         *   (properties: syncgrad.ModelSpec.$Shape): syncgrad.ModelSpec & syncgrad.ModelSpec.$Shape;
         *   (properties?: syncgrad.ModelSpec.$Properties): syncgrad.ModelSpec;
         * }}
         */
        ModelSpec.create = function(properties) {
            return new ModelSpec(properties);
        };

        /**
         * Encodes the specified ModelSpec message. Does not implicitly {@link syncgrad.ModelSpec.verify|verify} messages.
         * @function encode
         * @memberof syncgrad.ModelSpec
         * @static
         * @param {syncgrad.ModelSpec.$Properties} message ModelSpec message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        ModelSpec.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.imageSize != null && $Object.hasOwnProperty.call(message, "imageSize") && message.imageSize !== 0)
                writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.imageSize);
            if (message.channels != null && $Object.hasOwnProperty.call(message, "channels") && message.channels !== 0)
                writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.channels);
            if (message.classes != null && $Object.hasOwnProperty.call(message, "classes") && message.classes !== 0)
                writer.uint32(/* id 3, wireType 0 =*/24).uint32(message.classes);
            if (message.dropout != null && $Object.hasOwnProperty.call(message, "dropout") && !$Object.is(message.dropout, 0))
                writer.uint32(/* id 4, wireType 5 =*/37).float(message.dropout);
            if (message.arch != null && $Object.hasOwnProperty.call(message, "arch") && message.arch !== "")
                writer.uint32(/* id 5, wireType 2 =*/42).string(message.arch);
            if (message.layersJson != null && $Object.hasOwnProperty.call(message, "layersJson") && message.layersJson !== "")
                writer.uint32(/* id 6, wireType 2 =*/50).string(message.layersJson);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a ModelSpec message from the specified reader or buffer.
         * @function decode
         * @memberof syncgrad.ModelSpec
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {syncgrad.ModelSpec & syncgrad.ModelSpec.$Shape} ModelSpec
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        ModelSpec.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.syncgrad.ModelSpec();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.imageSize = value;
                        else
                            delete message.imageSize;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.channels = value;
                        else
                            delete message.channels;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.classes = value;
                        else
                            delete message.classes;
                        continue;
                    }
                case 4: {
                        if (wireType !== 5)
                            break;
                        if (!$Object.is(value = reader.float(), 0))
                            message.dropout = value;
                        else
                            delete message.dropout;
                        continue;
                    }
                case 5: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.arch = value;
                        else
                            delete message.arch;
                        continue;
                    }
                case 6: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.layersJson = value;
                        else
                            delete message.layersJson;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for ModelSpec
         * @function getTypeUrl
         * @memberof syncgrad.ModelSpec
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        ModelSpec.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/syncgrad.ModelSpec";
        };

        return ModelSpec;
    })();

    syncgrad.JobSpec = (function() {

        /**
         * Properties of a JobSpec.
         * @typedef {Object} syncgrad.JobSpec.$Properties
         * @property {string|null} [job] JobSpec job
         * @property {syncgrad.ModelSpec.$Properties|null} [model] JobSpec model
         * @property {Array.<string>|null} [classes] JobSpec classes
         * @property {syncgrad.DataMode|null} [dataMode] JobSpec dataMode
         * @property {string|null} [dataRoot] JobSpec dataRoot
         * @property {number|null} [trainCount] JobSpec trainCount
         * @property {number|null} [valCount] JobSpec valCount
         * @property {number|null} [testCount] JobSpec testCount
         * @property {string|null} [indexHash] JobSpec indexHash
         * @property {syncgrad.Codec|null} [gradientCodec] JobSpec gradientCodec
         * @property {number|null} [chunkBytes] JobSpec chunkBytes
         * @property {number|null} [batchSize] JobSpec batchSize
         * @property {number|null} [paramCount] JobSpec paramCount
         * @property {number|null} [microBatch] JobSpec microBatch
         * @property {boolean|null} [syntheticGradients] JobSpec syntheticGradients
         * @property {number|null} [learningRate] JobSpec learningRate
         * @property {boolean|null} [shardedExchange] JobSpec shardedExchange
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a JobSpec.
         * @memberof syncgrad
         * @interface IJobSpec
         * @augments syncgrad.JobSpec.$Properties
         * @deprecated Use syncgrad.JobSpec.$Properties instead.
         */

        /**
         * Shape of a JobSpec.
         * @typedef {syncgrad.JobSpec.$Properties} syncgrad.JobSpec.$Shape
         */

        /**
         * Constructs a new JobSpec.
         * @memberof syncgrad
         * @classdesc Represents a JobSpec.
         * @constructor
         * @param {syncgrad.JobSpec.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const JobSpec = function (properties) {
            this.classes = [];
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * JobSpec job.
         * @member {string} job
         * @memberof syncgrad.JobSpec
         * @instance
         */
        JobSpec.prototype.job = "";

        /**
         * JobSpec model.
         * @member {syncgrad.ModelSpec.$Properties|null|undefined} model
         * @memberof syncgrad.JobSpec
         * @instance
         */
        JobSpec.prototype.model = null;

        /**
         * JobSpec classes.
         * @member {Array.<string>} classes
         * @memberof syncgrad.JobSpec
         * @instance
         */
        JobSpec.prototype.classes = $util.emptyArray;

        /**
         * JobSpec dataMode.
         * @member {syncgrad.DataMode} dataMode
         * @memberof syncgrad.JobSpec
         * @instance
         */
        JobSpec.prototype.dataMode = 0;

        /**
         * JobSpec dataRoot.
         * @member {string} dataRoot
         * @memberof syncgrad.JobSpec
         * @instance
         */
        JobSpec.prototype.dataRoot = "";

        /**
         * JobSpec trainCount.
         * @member {number} trainCount
         * @memberof syncgrad.JobSpec
         * @instance
         */
        JobSpec.prototype.trainCount = 0;

        /**
         * JobSpec valCount.
         * @member {number} valCount
         * @memberof syncgrad.JobSpec
         * @instance
         */
        JobSpec.prototype.valCount = 0;

        /**
         * JobSpec testCount.
         * @member {number} testCount
         * @memberof syncgrad.JobSpec
         * @instance
         */
        JobSpec.prototype.testCount = 0;

        /**
         * JobSpec indexHash.
         * @member {string} indexHash
         * @memberof syncgrad.JobSpec
         * @instance
         */
        JobSpec.prototype.indexHash = "";

        /**
         * JobSpec gradientCodec.
         * @member {syncgrad.Codec} gradientCodec
         * @memberof syncgrad.JobSpec
         * @instance
         */
        JobSpec.prototype.gradientCodec = 0;

        /**
         * JobSpec chunkBytes.
         * @member {number} chunkBytes
         * @memberof syncgrad.JobSpec
         * @instance
         */
        JobSpec.prototype.chunkBytes = 0;

        /**
         * JobSpec batchSize.
         * @member {number} batchSize
         * @memberof syncgrad.JobSpec
         * @instance
         */
        JobSpec.prototype.batchSize = 0;

        /**
         * JobSpec paramCount.
         * @member {number} paramCount
         * @memberof syncgrad.JobSpec
         * @instance
         */
        JobSpec.prototype.paramCount = 0;

        /**
         * JobSpec microBatch.
         * @member {number} microBatch
         * @memberof syncgrad.JobSpec
         * @instance
         */
        JobSpec.prototype.microBatch = 0;

        /**
         * JobSpec syntheticGradients.
         * @member {boolean} syntheticGradients
         * @memberof syncgrad.JobSpec
         * @instance
         */
        JobSpec.prototype.syntheticGradients = false;

        /**
         * JobSpec learningRate.
         * @member {number} learningRate
         * @memberof syncgrad.JobSpec
         * @instance
         */
        JobSpec.prototype.learningRate = 0;

        /**
         * JobSpec shardedExchange.
         * @member {boolean} shardedExchange
         * @memberof syncgrad.JobSpec
         * @instance
         */
        JobSpec.prototype.shardedExchange = false;

        /**
         * Creates a new JobSpec instance using the specified properties.
         * @function create
         * @memberof syncgrad.JobSpec
         * @static
         * @param {syncgrad.JobSpec.$Properties=} [properties] Properties to set
         * @returns {syncgrad.JobSpec} JobSpec instance
         * @type {{
         *   (properties: syncgrad.JobSpec.$Shape): syncgrad.JobSpec & syncgrad.JobSpec.$Shape;
         *   (properties?: syncgrad.JobSpec.$Properties): syncgrad.JobSpec;
         * }}
         */
        JobSpec.create = function(properties) {
            return new JobSpec(properties);
        };

        /**
         * Encodes the specified JobSpec message. Does not implicitly {@link syncgrad.JobSpec.verify|verify} messages.
         * @function encode
         * @memberof syncgrad.JobSpec
         * @static
         * @param {syncgrad.JobSpec.$Properties} message JobSpec message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        JobSpec.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.job != null && $Object.hasOwnProperty.call(message, "job") && message.job !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.job);
            if (message.model != null && $Object.hasOwnProperty.call(message, "model"))
                $root.syncgrad.ModelSpec.encode(message.model, writer.uint32(/* id 2, wireType 2 =*/18).fork(), _depth + 1).ldelim();
            if (message.classes != null && message.classes.length)
                for (let i = 0; i < message.classes.length; ++i)
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.classes[i]);
            if (message.dataMode != null && $Object.hasOwnProperty.call(message, "dataMode") && message.dataMode !== 0)
                writer.uint32(/* id 4, wireType 0 =*/32).int32(message.dataMode);
            if (message.dataRoot != null && $Object.hasOwnProperty.call(message, "dataRoot") && message.dataRoot !== "")
                writer.uint32(/* id 5, wireType 2 =*/42).string(message.dataRoot);
            if (message.trainCount != null && $Object.hasOwnProperty.call(message, "trainCount") && message.trainCount !== 0)
                writer.uint32(/* id 6, wireType 0 =*/48).uint32(message.trainCount);
            if (message.valCount != null && $Object.hasOwnProperty.call(message, "valCount") && message.valCount !== 0)
                writer.uint32(/* id 7, wireType 0 =*/56).uint32(message.valCount);
            if (message.testCount != null && $Object.hasOwnProperty.call(message, "testCount") && message.testCount !== 0)
                writer.uint32(/* id 8, wireType 0 =*/64).uint32(message.testCount);
            if (message.indexHash != null && $Object.hasOwnProperty.call(message, "indexHash") && message.indexHash !== "")
                writer.uint32(/* id 9, wireType 2 =*/74).string(message.indexHash);
            if (message.gradientCodec != null && $Object.hasOwnProperty.call(message, "gradientCodec") && message.gradientCodec !== 0)
                writer.uint32(/* id 10, wireType 0 =*/80).int32(message.gradientCodec);
            if (message.chunkBytes != null && $Object.hasOwnProperty.call(message, "chunkBytes") && message.chunkBytes !== 0)
                writer.uint32(/* id 11, wireType 0 =*/88).uint32(message.chunkBytes);
            if (message.batchSize != null && $Object.hasOwnProperty.call(message, "batchSize") && message.batchSize !== 0)
                writer.uint32(/* id 12, wireType 0 =*/96).uint32(message.batchSize);
            if (message.paramCount != null && $Object.hasOwnProperty.call(message, "paramCount") && message.paramCount !== 0)
                writer.uint32(/* id 13, wireType 0 =*/104).uint32(message.paramCount);
            if (message.microBatch != null && $Object.hasOwnProperty.call(message, "microBatch") && message.microBatch !== 0)
                writer.uint32(/* id 14, wireType 0 =*/112).uint32(message.microBatch);
            if (message.syntheticGradients != null && $Object.hasOwnProperty.call(message, "syntheticGradients") && message.syntheticGradients !== false)
                writer.uint32(/* id 15, wireType 0 =*/120).bool(message.syntheticGradients);
            if (message.learningRate != null && $Object.hasOwnProperty.call(message, "learningRate") && !$Object.is(message.learningRate, 0))
                writer.uint32(/* id 16, wireType 1 =*/129).double(message.learningRate);
            if (message.shardedExchange != null && $Object.hasOwnProperty.call(message, "shardedExchange") && message.shardedExchange !== false)
                writer.uint32(/* id 17, wireType 0 =*/136).bool(message.shardedExchange);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a JobSpec message from the specified reader or buffer.
         * @function decode
         * @memberof syncgrad.JobSpec
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {syncgrad.JobSpec & syncgrad.JobSpec.$Shape} JobSpec
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        JobSpec.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.syncgrad.JobSpec();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.job = value;
                        else
                            delete message.job;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        message.model = $root.syncgrad.ModelSpec.decode(reader, reader.size(), $undefined, _depth + 1, message.model);
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        if (!(message.classes && message.classes.length))
                            message.classes = [];
                        message.classes.push(reader.stringVerify());
                        continue;
                    }
                case 4: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.int32())
                            message.dataMode = value;
                        else
                            delete message.dataMode;
                        continue;
                    }
                case 5: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.dataRoot = value;
                        else
                            delete message.dataRoot;
                        continue;
                    }
                case 6: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.trainCount = value;
                        else
                            delete message.trainCount;
                        continue;
                    }
                case 7: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.valCount = value;
                        else
                            delete message.valCount;
                        continue;
                    }
                case 8: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.testCount = value;
                        else
                            delete message.testCount;
                        continue;
                    }
                case 9: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.indexHash = value;
                        else
                            delete message.indexHash;
                        continue;
                    }
                case 10: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.int32())
                            message.gradientCodec = value;
                        else
                            delete message.gradientCodec;
                        continue;
                    }
                case 11: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.chunkBytes = value;
                        else
                            delete message.chunkBytes;
                        continue;
                    }
                case 12: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.batchSize = value;
                        else
                            delete message.batchSize;
                        continue;
                    }
                case 13: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.paramCount = value;
                        else
                            delete message.paramCount;
                        continue;
                    }
                case 14: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.microBatch = value;
                        else
                            delete message.microBatch;
                        continue;
                    }
                case 15: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.syntheticGradients = value;
                        else
                            delete message.syntheticGradients;
                        continue;
                    }
                case 16: {
                        if (wireType !== 1)
                            break;
                        if (!$Object.is(value = reader.double(), 0))
                            message.learningRate = value;
                        else
                            delete message.learningRate;
                        continue;
                    }
                case 17: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.shardedExchange = value;
                        else
                            delete message.shardedExchange;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for JobSpec
         * @function getTypeUrl
         * @memberof syncgrad.JobSpec
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        JobSpec.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/syncgrad.JobSpec";
        };

        return JobSpec;
    })();

    syncgrad.JoinRequest = (function() {

        /**
         * Properties of a JoinRequest.
         * @typedef {Object} syncgrad.JoinRequest.$Properties
         * @property {string|null} [workerId] JoinRequest workerId
         * @property {string|null} [host] JoinRequest host
         * @property {number|null} [pid] JoinRequest pid
         * @property {string|null} [backend] JoinRequest backend
         * @property {string|null} [version] JoinRequest version
         * @property {string|null} [natsServer] JoinRequest natsServer
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a JoinRequest.
         * @memberof syncgrad
         * @interface IJoinRequest
         * @augments syncgrad.JoinRequest.$Properties
         * @deprecated Use syncgrad.JoinRequest.$Properties instead.
         */

        /**
         * Shape of a JoinRequest.
         * @typedef {syncgrad.JoinRequest.$Properties} syncgrad.JoinRequest.$Shape
         */

        /**
         * Constructs a new JoinRequest.
         * @memberof syncgrad
         * @classdesc Represents a JoinRequest.
         * @constructor
         * @param {syncgrad.JoinRequest.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const JoinRequest = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * JoinRequest workerId.
         * @member {string} workerId
         * @memberof syncgrad.JoinRequest
         * @instance
         */
        JoinRequest.prototype.workerId = "";

        /**
         * JoinRequest host.
         * @member {string} host
         * @memberof syncgrad.JoinRequest
         * @instance
         */
        JoinRequest.prototype.host = "";

        /**
         * JoinRequest pid.
         * @member {number} pid
         * @memberof syncgrad.JoinRequest
         * @instance
         */
        JoinRequest.prototype.pid = 0;

        /**
         * JoinRequest backend.
         * @member {string} backend
         * @memberof syncgrad.JoinRequest
         * @instance
         */
        JoinRequest.prototype.backend = "";

        /**
         * JoinRequest version.
         * @member {string} version
         * @memberof syncgrad.JoinRequest
         * @instance
         */
        JoinRequest.prototype.version = "";

        /**
         * JoinRequest natsServer.
         * @member {string} natsServer
         * @memberof syncgrad.JoinRequest
         * @instance
         */
        JoinRequest.prototype.natsServer = "";

        /**
         * Creates a new JoinRequest instance using the specified properties.
         * @function create
         * @memberof syncgrad.JoinRequest
         * @static
         * @param {syncgrad.JoinRequest.$Properties=} [properties] Properties to set
         * @returns {syncgrad.JoinRequest} JoinRequest instance
         * @type {{
         *   (properties: syncgrad.JoinRequest.$Shape): syncgrad.JoinRequest & syncgrad.JoinRequest.$Shape;
         *   (properties?: syncgrad.JoinRequest.$Properties): syncgrad.JoinRequest;
         * }}
         */
        JoinRequest.create = function(properties) {
            return new JoinRequest(properties);
        };

        /**
         * Encodes the specified JoinRequest message. Does not implicitly {@link syncgrad.JoinRequest.verify|verify} messages.
         * @function encode
         * @memberof syncgrad.JoinRequest
         * @static
         * @param {syncgrad.JoinRequest.$Properties} message JoinRequest message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        JoinRequest.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.workerId != null && $Object.hasOwnProperty.call(message, "workerId") && message.workerId !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.workerId);
            if (message.host != null && $Object.hasOwnProperty.call(message, "host") && message.host !== "")
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.host);
            if (message.pid != null && $Object.hasOwnProperty.call(message, "pid") && message.pid !== 0)
                writer.uint32(/* id 3, wireType 0 =*/24).uint32(message.pid);
            if (message.backend != null && $Object.hasOwnProperty.call(message, "backend") && message.backend !== "")
                writer.uint32(/* id 4, wireType 2 =*/34).string(message.backend);
            if (message.version != null && $Object.hasOwnProperty.call(message, "version") && message.version !== "")
                writer.uint32(/* id 5, wireType 2 =*/42).string(message.version);
            if (message.natsServer != null && $Object.hasOwnProperty.call(message, "natsServer") && message.natsServer !== "")
                writer.uint32(/* id 6, wireType 2 =*/50).string(message.natsServer);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a JoinRequest message from the specified reader or buffer.
         * @function decode
         * @memberof syncgrad.JoinRequest
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {syncgrad.JoinRequest & syncgrad.JoinRequest.$Shape} JoinRequest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        JoinRequest.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.syncgrad.JoinRequest();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.workerId = value;
                        else
                            delete message.workerId;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.host = value;
                        else
                            delete message.host;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.pid = value;
                        else
                            delete message.pid;
                        continue;
                    }
                case 4: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.backend = value;
                        else
                            delete message.backend;
                        continue;
                    }
                case 5: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.version = value;
                        else
                            delete message.version;
                        continue;
                    }
                case 6: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.natsServer = value;
                        else
                            delete message.natsServer;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for JoinRequest
         * @function getTypeUrl
         * @memberof syncgrad.JoinRequest
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        JoinRequest.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/syncgrad.JoinRequest";
        };

        return JoinRequest;
    })();

    syncgrad.JoinReply = (function() {

        /**
         * Properties of a JoinReply.
         * @typedef {Object} syncgrad.JoinReply.$Properties
         * @property {boolean|null} [accepted] JoinReply accepted
         * @property {string|null} [reason] JoinReply reason
         * @property {number|null} [rank] JoinReply rank
         * @property {syncgrad.JobSpec.$Properties|null} [job] JoinReply job
         * @property {string|null} [coordinatorId] JoinReply coordinatorId
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a JoinReply.
         * @memberof syncgrad
         * @interface IJoinReply
         * @augments syncgrad.JoinReply.$Properties
         * @deprecated Use syncgrad.JoinReply.$Properties instead.
         */

        /**
         * Shape of a JoinReply.
         * @typedef {syncgrad.JoinReply.$Properties} syncgrad.JoinReply.$Shape
         */

        /**
         * Constructs a new JoinReply.
         * @memberof syncgrad
         * @classdesc Represents a JoinReply.
         * @constructor
         * @param {syncgrad.JoinReply.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const JoinReply = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * JoinReply accepted.
         * @member {boolean} accepted
         * @memberof syncgrad.JoinReply
         * @instance
         */
        JoinReply.prototype.accepted = false;

        /**
         * JoinReply reason.
         * @member {string} reason
         * @memberof syncgrad.JoinReply
         * @instance
         */
        JoinReply.prototype.reason = "";

        /**
         * JoinReply rank.
         * @member {number} rank
         * @memberof syncgrad.JoinReply
         * @instance
         */
        JoinReply.prototype.rank = 0;

        /**
         * JoinReply job.
         * @member {syncgrad.JobSpec.$Properties|null|undefined} job
         * @memberof syncgrad.JoinReply
         * @instance
         */
        JoinReply.prototype.job = null;

        /**
         * JoinReply coordinatorId.
         * @member {string} coordinatorId
         * @memberof syncgrad.JoinReply
         * @instance
         */
        JoinReply.prototype.coordinatorId = "";

        /**
         * Creates a new JoinReply instance using the specified properties.
         * @function create
         * @memberof syncgrad.JoinReply
         * @static
         * @param {syncgrad.JoinReply.$Properties=} [properties] Properties to set
         * @returns {syncgrad.JoinReply} JoinReply instance
         * @type {{
         *   (properties: syncgrad.JoinReply.$Shape): syncgrad.JoinReply & syncgrad.JoinReply.$Shape;
         *   (properties?: syncgrad.JoinReply.$Properties): syncgrad.JoinReply;
         * }}
         */
        JoinReply.create = function(properties) {
            return new JoinReply(properties);
        };

        /**
         * Encodes the specified JoinReply message. Does not implicitly {@link syncgrad.JoinReply.verify|verify} messages.
         * @function encode
         * @memberof syncgrad.JoinReply
         * @static
         * @param {syncgrad.JoinReply.$Properties} message JoinReply message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        JoinReply.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.accepted != null && $Object.hasOwnProperty.call(message, "accepted") && message.accepted !== false)
                writer.uint32(/* id 1, wireType 0 =*/8).bool(message.accepted);
            if (message.reason != null && $Object.hasOwnProperty.call(message, "reason") && message.reason !== "")
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.reason);
            if (message.rank != null && $Object.hasOwnProperty.call(message, "rank") && message.rank !== 0)
                writer.uint32(/* id 3, wireType 0 =*/24).uint32(message.rank);
            if (message.job != null && $Object.hasOwnProperty.call(message, "job"))
                $root.syncgrad.JobSpec.encode(message.job, writer.uint32(/* id 4, wireType 2 =*/34).fork(), _depth + 1).ldelim();
            if (message.coordinatorId != null && $Object.hasOwnProperty.call(message, "coordinatorId") && message.coordinatorId !== "")
                writer.uint32(/* id 5, wireType 2 =*/42).string(message.coordinatorId);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a JoinReply message from the specified reader or buffer.
         * @function decode
         * @memberof syncgrad.JoinReply
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {syncgrad.JoinReply & syncgrad.JoinReply.$Shape} JoinReply
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        JoinReply.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.syncgrad.JoinReply();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.accepted = value;
                        else
                            delete message.accepted;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.reason = value;
                        else
                            delete message.reason;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.rank = value;
                        else
                            delete message.rank;
                        continue;
                    }
                case 4: {
                        if (wireType !== 2)
                            break;
                        message.job = $root.syncgrad.JobSpec.decode(reader, reader.size(), $undefined, _depth + 1, message.job);
                        continue;
                    }
                case 5: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.coordinatorId = value;
                        else
                            delete message.coordinatorId;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for JoinReply
         * @function getTypeUrl
         * @memberof syncgrad.JoinReply
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        JoinReply.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/syncgrad.JoinReply";
        };

        return JoinReply;
    })();

    syncgrad.ReadyRequest = (function() {

        /**
         * Properties of a ReadyRequest.
         * @typedef {Object} syncgrad.ReadyRequest.$Properties
         * @property {string|null} [job] ReadyRequest job
         * @property {string|null} [workerId] ReadyRequest workerId
         * @property {number|null} [rank] ReadyRequest rank
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a ReadyRequest.
         * @memberof syncgrad
         * @interface IReadyRequest
         * @augments syncgrad.ReadyRequest.$Properties
         * @deprecated Use syncgrad.ReadyRequest.$Properties instead.
         */

        /**
         * Shape of a ReadyRequest.
         * @typedef {syncgrad.ReadyRequest.$Properties} syncgrad.ReadyRequest.$Shape
         */

        /**
         * Constructs a new ReadyRequest.
         * @memberof syncgrad
         * @classdesc Represents a ReadyRequest.
         * @constructor
         * @param {syncgrad.ReadyRequest.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const ReadyRequest = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * ReadyRequest job.
         * @member {string} job
         * @memberof syncgrad.ReadyRequest
         * @instance
         */
        ReadyRequest.prototype.job = "";

        /**
         * ReadyRequest workerId.
         * @member {string} workerId
         * @memberof syncgrad.ReadyRequest
         * @instance
         */
        ReadyRequest.prototype.workerId = "";

        /**
         * ReadyRequest rank.
         * @member {number} rank
         * @memberof syncgrad.ReadyRequest
         * @instance
         */
        ReadyRequest.prototype.rank = 0;

        /**
         * Creates a new ReadyRequest instance using the specified properties.
         * @function create
         * @memberof syncgrad.ReadyRequest
         * @static
         * @param {syncgrad.ReadyRequest.$Properties=} [properties] Properties to set
         * @returns {syncgrad.ReadyRequest} ReadyRequest instance
         * @type {{
         *   (properties: syncgrad.ReadyRequest.$Shape): syncgrad.ReadyRequest & syncgrad.ReadyRequest.$Shape;
         *   (properties?: syncgrad.ReadyRequest.$Properties): syncgrad.ReadyRequest;
         * }}
         */
        ReadyRequest.create = function(properties) {
            return new ReadyRequest(properties);
        };

        /**
         * Encodes the specified ReadyRequest message. Does not implicitly {@link syncgrad.ReadyRequest.verify|verify} messages.
         * @function encode
         * @memberof syncgrad.ReadyRequest
         * @static
         * @param {syncgrad.ReadyRequest.$Properties} message ReadyRequest message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        ReadyRequest.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.job != null && $Object.hasOwnProperty.call(message, "job") && message.job !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.job);
            if (message.workerId != null && $Object.hasOwnProperty.call(message, "workerId") && message.workerId !== "")
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.workerId);
            if (message.rank != null && $Object.hasOwnProperty.call(message, "rank") && message.rank !== 0)
                writer.uint32(/* id 3, wireType 0 =*/24).uint32(message.rank);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a ReadyRequest message from the specified reader or buffer.
         * @function decode
         * @memberof syncgrad.ReadyRequest
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {syncgrad.ReadyRequest & syncgrad.ReadyRequest.$Shape} ReadyRequest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        ReadyRequest.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.syncgrad.ReadyRequest();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.job = value;
                        else
                            delete message.job;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.workerId = value;
                        else
                            delete message.workerId;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.rank = value;
                        else
                            delete message.rank;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for ReadyRequest
         * @function getTypeUrl
         * @memberof syncgrad.ReadyRequest
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        ReadyRequest.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/syncgrad.ReadyRequest";
        };

        return ReadyRequest;
    })();

    syncgrad.ReadyReply = (function() {

        /**
         * Properties of a ReadyReply.
         * @typedef {Object} syncgrad.ReadyReply.$Properties
         * @property {boolean|null} [accepted] ReadyReply accepted
         * @property {string|null} [reason] ReadyReply reason
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a ReadyReply.
         * @memberof syncgrad
         * @interface IReadyReply
         * @augments syncgrad.ReadyReply.$Properties
         * @deprecated Use syncgrad.ReadyReply.$Properties instead.
         */

        /**
         * Shape of a ReadyReply.
         * @typedef {syncgrad.ReadyReply.$Properties} syncgrad.ReadyReply.$Shape
         */

        /**
         * Constructs a new ReadyReply.
         * @memberof syncgrad
         * @classdesc Represents a ReadyReply.
         * @constructor
         * @param {syncgrad.ReadyReply.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const ReadyReply = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * ReadyReply accepted.
         * @member {boolean} accepted
         * @memberof syncgrad.ReadyReply
         * @instance
         */
        ReadyReply.prototype.accepted = false;

        /**
         * ReadyReply reason.
         * @member {string} reason
         * @memberof syncgrad.ReadyReply
         * @instance
         */
        ReadyReply.prototype.reason = "";

        /**
         * Creates a new ReadyReply instance using the specified properties.
         * @function create
         * @memberof syncgrad.ReadyReply
         * @static
         * @param {syncgrad.ReadyReply.$Properties=} [properties] Properties to set
         * @returns {syncgrad.ReadyReply} ReadyReply instance
         * @type {{
         *   (properties: syncgrad.ReadyReply.$Shape): syncgrad.ReadyReply & syncgrad.ReadyReply.$Shape;
         *   (properties?: syncgrad.ReadyReply.$Properties): syncgrad.ReadyReply;
         * }}
         */
        ReadyReply.create = function(properties) {
            return new ReadyReply(properties);
        };

        /**
         * Encodes the specified ReadyReply message. Does not implicitly {@link syncgrad.ReadyReply.verify|verify} messages.
         * @function encode
         * @memberof syncgrad.ReadyReply
         * @static
         * @param {syncgrad.ReadyReply.$Properties} message ReadyReply message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        ReadyReply.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.accepted != null && $Object.hasOwnProperty.call(message, "accepted") && message.accepted !== false)
                writer.uint32(/* id 1, wireType 0 =*/8).bool(message.accepted);
            if (message.reason != null && $Object.hasOwnProperty.call(message, "reason") && message.reason !== "")
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.reason);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a ReadyReply message from the specified reader or buffer.
         * @function decode
         * @memberof syncgrad.ReadyReply
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {syncgrad.ReadyReply & syncgrad.ReadyReply.$Shape} ReadyReply
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        ReadyReply.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.syncgrad.ReadyReply();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.bool())
                            message.accepted = value;
                        else
                            delete message.accepted;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.reason = value;
                        else
                            delete message.reason;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for ReadyReply
         * @function getTypeUrl
         * @memberof syncgrad.ReadyReply
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        ReadyReply.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/syncgrad.ReadyReply";
        };

        return ReadyReply;
    })();

    syncgrad.IndexRequest = (function() {

        /**
         * Properties of an IndexRequest.
         * @typedef {Object} syncgrad.IndexRequest.$Properties
         * @property {string|null} [job] IndexRequest job
         * @property {syncgrad.Split|null} [split] IndexRequest split
         * @property {number|null} [offset] IndexRequest offset
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of an IndexRequest.
         * @memberof syncgrad
         * @interface IIndexRequest
         * @augments syncgrad.IndexRequest.$Properties
         * @deprecated Use syncgrad.IndexRequest.$Properties instead.
         */

        /**
         * Shape of an IndexRequest.
         * @typedef {syncgrad.IndexRequest.$Properties} syncgrad.IndexRequest.$Shape
         */

        /**
         * Constructs a new IndexRequest.
         * @memberof syncgrad
         * @classdesc Represents an IndexRequest.
         * @constructor
         * @param {syncgrad.IndexRequest.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const IndexRequest = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * IndexRequest job.
         * @member {string} job
         * @memberof syncgrad.IndexRequest
         * @instance
         */
        IndexRequest.prototype.job = "";

        /**
         * IndexRequest split.
         * @member {syncgrad.Split} split
         * @memberof syncgrad.IndexRequest
         * @instance
         */
        IndexRequest.prototype.split = 0;

        /**
         * IndexRequest offset.
         * @member {number} offset
         * @memberof syncgrad.IndexRequest
         * @instance
         */
        IndexRequest.prototype.offset = 0;

        /**
         * Creates a new IndexRequest instance using the specified properties.
         * @function create
         * @memberof syncgrad.IndexRequest
         * @static
         * @param {syncgrad.IndexRequest.$Properties=} [properties] Properties to set
         * @returns {syncgrad.IndexRequest} IndexRequest instance
         * @type {{
         *   (properties: syncgrad.IndexRequest.$Shape): syncgrad.IndexRequest & syncgrad.IndexRequest.$Shape;
         *   (properties?: syncgrad.IndexRequest.$Properties): syncgrad.IndexRequest;
         * }}
         */
        IndexRequest.create = function(properties) {
            return new IndexRequest(properties);
        };

        /**
         * Encodes the specified IndexRequest message. Does not implicitly {@link syncgrad.IndexRequest.verify|verify} messages.
         * @function encode
         * @memberof syncgrad.IndexRequest
         * @static
         * @param {syncgrad.IndexRequest.$Properties} message IndexRequest message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        IndexRequest.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.job != null && $Object.hasOwnProperty.call(message, "job") && message.job !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.job);
            if (message.split != null && $Object.hasOwnProperty.call(message, "split") && message.split !== 0)
                writer.uint32(/* id 2, wireType 0 =*/16).int32(message.split);
            if (message.offset != null && $Object.hasOwnProperty.call(message, "offset") && message.offset !== 0)
                writer.uint32(/* id 3, wireType 0 =*/24).uint32(message.offset);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes an IndexRequest message from the specified reader or buffer.
         * @function decode
         * @memberof syncgrad.IndexRequest
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {syncgrad.IndexRequest & syncgrad.IndexRequest.$Shape} IndexRequest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        IndexRequest.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.syncgrad.IndexRequest();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.job = value;
                        else
                            delete message.job;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.int32())
                            message.split = value;
                        else
                            delete message.split;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.offset = value;
                        else
                            delete message.offset;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for IndexRequest
         * @function getTypeUrl
         * @memberof syncgrad.IndexRequest
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        IndexRequest.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/syncgrad.IndexRequest";
        };

        return IndexRequest;
    })();

    syncgrad.IndexReply = (function() {

        /**
         * Properties of an IndexReply.
         * @typedef {Object} syncgrad.IndexReply.$Properties
         * @property {Array.<string>|null} [paths] IndexReply paths
         * @property {Array.<number>|null} [labels] IndexReply labels
         * @property {number|null} [total] IndexReply total
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of an IndexReply.
         * @memberof syncgrad
         * @interface IIndexReply
         * @augments syncgrad.IndexReply.$Properties
         * @deprecated Use syncgrad.IndexReply.$Properties instead.
         */

        /**
         * Shape of an IndexReply.
         * @typedef {syncgrad.IndexReply.$Properties} syncgrad.IndexReply.$Shape
         */

        /**
         * Constructs a new IndexReply.
         * @memberof syncgrad
         * @classdesc Represents an IndexReply.
         * @constructor
         * @param {syncgrad.IndexReply.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const IndexReply = function (properties) {
            this.paths = [];
            this.labels = [];
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * IndexReply paths.
         * @member {Array.<string>} paths
         * @memberof syncgrad.IndexReply
         * @instance
         */
        IndexReply.prototype.paths = $util.emptyArray;

        /**
         * IndexReply labels.
         * @member {Array.<number>} labels
         * @memberof syncgrad.IndexReply
         * @instance
         */
        IndexReply.prototype.labels = $util.emptyArray;

        /**
         * IndexReply total.
         * @member {number} total
         * @memberof syncgrad.IndexReply
         * @instance
         */
        IndexReply.prototype.total = 0;

        /**
         * Creates a new IndexReply instance using the specified properties.
         * @function create
         * @memberof syncgrad.IndexReply
         * @static
         * @param {syncgrad.IndexReply.$Properties=} [properties] Properties to set
         * @returns {syncgrad.IndexReply} IndexReply instance
         * @type {{
         *   (properties: syncgrad.IndexReply.$Shape): syncgrad.IndexReply & syncgrad.IndexReply.$Shape;
         *   (properties?: syncgrad.IndexReply.$Properties): syncgrad.IndexReply;
         * }}
         */
        IndexReply.create = function(properties) {
            return new IndexReply(properties);
        };

        /**
         * Encodes the specified IndexReply message. Does not implicitly {@link syncgrad.IndexReply.verify|verify} messages.
         * @function encode
         * @memberof syncgrad.IndexReply
         * @static
         * @param {syncgrad.IndexReply.$Properties} message IndexReply message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        IndexReply.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.paths != null && message.paths.length)
                for (let i = 0; i < message.paths.length; ++i)
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.paths[i]);
            if (message.labels != null && message.labels.length)
                writer.uint32(/* id 2, wireType 2 =*/18).uint32s(message.labels);
            if (message.total != null && $Object.hasOwnProperty.call(message, "total") && message.total !== 0)
                writer.uint32(/* id 3, wireType 0 =*/24).uint32(message.total);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes an IndexReply message from the specified reader or buffer.
         * @function decode
         * @memberof syncgrad.IndexReply
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {syncgrad.IndexReply & syncgrad.IndexReply.$Shape} IndexReply
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        IndexReply.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.syncgrad.IndexReply();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if (!(message.paths && message.paths.length))
                            message.paths = [];
                        message.paths.push(reader.stringVerify());
                        continue;
                    }
                case 2: {
                        if (wireType === 2) {
                            if (!(message.labels && message.labels.length))
                                message.labels = [];
                            reader.uint32s(message.labels);
                            continue;
                        }
                        if (wireType !== 0)
                            break;
                        if (!(message.labels && message.labels.length))
                            message.labels = [];
                        message.labels.push(reader.uint32());
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.total = value;
                        else
                            delete message.total;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for IndexReply
         * @function getTypeUrl
         * @memberof syncgrad.IndexReply
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        IndexReply.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/syncgrad.IndexReply";
        };

        return IndexReply;
    })();

    syncgrad.ChunkRequest = (function() {

        /**
         * Properties of a ChunkRequest.
         * @typedef {Object} syncgrad.ChunkRequest.$Properties
         * @property {string|null} [job] ChunkRequest job
         * @property {number|null} [version] ChunkRequest version
         * @property {number|null} [index] ChunkRequest index
         * @property {number|null} [rank] ChunkRequest rank
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a ChunkRequest.
         * @memberof syncgrad
         * @interface IChunkRequest
         * @augments syncgrad.ChunkRequest.$Properties
         * @deprecated Use syncgrad.ChunkRequest.$Properties instead.
         */

        /**
         * Shape of a ChunkRequest.
         * @typedef {syncgrad.ChunkRequest.$Properties} syncgrad.ChunkRequest.$Shape
         */

        /**
         * Constructs a new ChunkRequest.
         * @memberof syncgrad
         * @classdesc Represents a ChunkRequest.
         * @constructor
         * @param {syncgrad.ChunkRequest.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const ChunkRequest = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * ChunkRequest job.
         * @member {string} job
         * @memberof syncgrad.ChunkRequest
         * @instance
         */
        ChunkRequest.prototype.job = "";

        /**
         * ChunkRequest version.
         * @member {number} version
         * @memberof syncgrad.ChunkRequest
         * @instance
         */
        ChunkRequest.prototype.version = 0;

        /**
         * ChunkRequest index.
         * @member {number} index
         * @memberof syncgrad.ChunkRequest
         * @instance
         */
        ChunkRequest.prototype.index = 0;

        /**
         * ChunkRequest rank.
         * @member {number} rank
         * @memberof syncgrad.ChunkRequest
         * @instance
         */
        ChunkRequest.prototype.rank = 0;

        /**
         * Creates a new ChunkRequest instance using the specified properties.
         * @function create
         * @memberof syncgrad.ChunkRequest
         * @static
         * @param {syncgrad.ChunkRequest.$Properties=} [properties] Properties to set
         * @returns {syncgrad.ChunkRequest} ChunkRequest instance
         * @type {{
         *   (properties: syncgrad.ChunkRequest.$Shape): syncgrad.ChunkRequest & syncgrad.ChunkRequest.$Shape;
         *   (properties?: syncgrad.ChunkRequest.$Properties): syncgrad.ChunkRequest;
         * }}
         */
        ChunkRequest.create = function(properties) {
            return new ChunkRequest(properties);
        };

        /**
         * Encodes the specified ChunkRequest message. Does not implicitly {@link syncgrad.ChunkRequest.verify|verify} messages.
         * @function encode
         * @memberof syncgrad.ChunkRequest
         * @static
         * @param {syncgrad.ChunkRequest.$Properties} message ChunkRequest message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        ChunkRequest.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.job != null && $Object.hasOwnProperty.call(message, "job") && message.job !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.job);
            if (message.version != null && $Object.hasOwnProperty.call(message, "version") && message.version !== 0)
                writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.version);
            if (message.index != null && $Object.hasOwnProperty.call(message, "index") && message.index !== 0)
                writer.uint32(/* id 3, wireType 0 =*/24).uint32(message.index);
            if (message.rank != null && $Object.hasOwnProperty.call(message, "rank") && message.rank !== 0)
                writer.uint32(/* id 4, wireType 0 =*/32).uint32(message.rank);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a ChunkRequest message from the specified reader or buffer.
         * @function decode
         * @memberof syncgrad.ChunkRequest
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {syncgrad.ChunkRequest & syncgrad.ChunkRequest.$Shape} ChunkRequest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        ChunkRequest.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.syncgrad.ChunkRequest();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.job = value;
                        else
                            delete message.job;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.version = value;
                        else
                            delete message.version;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.index = value;
                        else
                            delete message.index;
                        continue;
                    }
                case 4: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.rank = value;
                        else
                            delete message.rank;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for ChunkRequest
         * @function getTypeUrl
         * @memberof syncgrad.ChunkRequest
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        ChunkRequest.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/syncgrad.ChunkRequest";
        };

        return ChunkRequest;
    })();

    syncgrad.TensorChunk = (function() {

        /**
         * Properties of a TensorChunk.
         * @typedef {Object} syncgrad.TensorChunk.$Properties
         * @property {string|null} [job] TensorChunk job
         * @property {number|null} [version] TensorChunk version
         * @property {number|null} [index] TensorChunk index
         * @property {number|null} [count] TensorChunk count
         * @property {number|null} [offset] TensorChunk offset
         * @property {number|null} [total] TensorChunk total
         * @property {syncgrad.Codec|null} [codec] TensorChunk codec
         * @property {Uint8Array|null} [data] TensorChunk data
         * @property {string|null} [error] TensorChunk error
         * @property {syncgrad.ErrorKind|null} [errorKind] TensorChunk errorKind
         * @property {number|null} [fromRank] TensorChunk fromRank
         * @property {number|null} [samples] TensorChunk samples
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a TensorChunk.
         * @memberof syncgrad
         * @interface ITensorChunk
         * @augments syncgrad.TensorChunk.$Properties
         * @deprecated Use syncgrad.TensorChunk.$Properties instead.
         */

        /**
         * Shape of a TensorChunk.
         * @typedef {syncgrad.TensorChunk.$Properties} syncgrad.TensorChunk.$Shape
         */

        /**
         * Constructs a new TensorChunk.
         * @memberof syncgrad
         * @classdesc Represents a TensorChunk.
         * @constructor
         * @param {syncgrad.TensorChunk.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const TensorChunk = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * TensorChunk job.
         * @member {string} job
         * @memberof syncgrad.TensorChunk
         * @instance
         */
        TensorChunk.prototype.job = "";

        /**
         * TensorChunk version.
         * @member {number} version
         * @memberof syncgrad.TensorChunk
         * @instance
         */
        TensorChunk.prototype.version = 0;

        /**
         * TensorChunk index.
         * @member {number} index
         * @memberof syncgrad.TensorChunk
         * @instance
         */
        TensorChunk.prototype.index = 0;

        /**
         * TensorChunk count.
         * @member {number} count
         * @memberof syncgrad.TensorChunk
         * @instance
         */
        TensorChunk.prototype.count = 0;

        /**
         * TensorChunk offset.
         * @member {number} offset
         * @memberof syncgrad.TensorChunk
         * @instance
         */
        TensorChunk.prototype.offset = 0;

        /**
         * TensorChunk total.
         * @member {number} total
         * @memberof syncgrad.TensorChunk
         * @instance
         */
        TensorChunk.prototype.total = 0;

        /**
         * TensorChunk codec.
         * @member {syncgrad.Codec} codec
         * @memberof syncgrad.TensorChunk
         * @instance
         */
        TensorChunk.prototype.codec = 0;

        /**
         * TensorChunk data.
         * @member {Uint8Array} data
         * @memberof syncgrad.TensorChunk
         * @instance
         */
        TensorChunk.prototype.data = $util.newBuffer([]);

        /**
         * TensorChunk error.
         * @member {string} error
         * @memberof syncgrad.TensorChunk
         * @instance
         */
        TensorChunk.prototype.error = "";

        /**
         * TensorChunk errorKind.
         * @member {syncgrad.ErrorKind} errorKind
         * @memberof syncgrad.TensorChunk
         * @instance
         */
        TensorChunk.prototype.errorKind = 0;

        /**
         * TensorChunk fromRank.
         * @member {number} fromRank
         * @memberof syncgrad.TensorChunk
         * @instance
         */
        TensorChunk.prototype.fromRank = 0;

        /**
         * TensorChunk samples.
         * @member {number} samples
         * @memberof syncgrad.TensorChunk
         * @instance
         */
        TensorChunk.prototype.samples = 0;

        /**
         * Creates a new TensorChunk instance using the specified properties.
         * @function create
         * @memberof syncgrad.TensorChunk
         * @static
         * @param {syncgrad.TensorChunk.$Properties=} [properties] Properties to set
         * @returns {syncgrad.TensorChunk} TensorChunk instance
         * @type {{
         *   (properties: syncgrad.TensorChunk.$Shape): syncgrad.TensorChunk & syncgrad.TensorChunk.$Shape;
         *   (properties?: syncgrad.TensorChunk.$Properties): syncgrad.TensorChunk;
         * }}
         */
        TensorChunk.create = function(properties) {
            return new TensorChunk(properties);
        };

        /**
         * Encodes the specified TensorChunk message. Does not implicitly {@link syncgrad.TensorChunk.verify|verify} messages.
         * @function encode
         * @memberof syncgrad.TensorChunk
         * @static
         * @param {syncgrad.TensorChunk.$Properties} message TensorChunk message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        TensorChunk.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.job != null && $Object.hasOwnProperty.call(message, "job") && message.job !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.job);
            if (message.version != null && $Object.hasOwnProperty.call(message, "version") && message.version !== 0)
                writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.version);
            if (message.index != null && $Object.hasOwnProperty.call(message, "index") && message.index !== 0)
                writer.uint32(/* id 3, wireType 0 =*/24).uint32(message.index);
            if (message.count != null && $Object.hasOwnProperty.call(message, "count") && message.count !== 0)
                writer.uint32(/* id 4, wireType 0 =*/32).uint32(message.count);
            if (message.offset != null && $Object.hasOwnProperty.call(message, "offset") && message.offset !== 0)
                writer.uint32(/* id 5, wireType 0 =*/40).uint32(message.offset);
            if (message.total != null && $Object.hasOwnProperty.call(message, "total") && message.total !== 0)
                writer.uint32(/* id 6, wireType 0 =*/48).uint32(message.total);
            if (message.codec != null && $Object.hasOwnProperty.call(message, "codec") && message.codec !== 0)
                writer.uint32(/* id 7, wireType 0 =*/56).int32(message.codec);
            if (message.data != null && $Object.hasOwnProperty.call(message, "data") && message.data.length)
                writer.uint32(/* id 8, wireType 2 =*/66).bytes(message.data);
            if (message.error != null && $Object.hasOwnProperty.call(message, "error") && message.error !== "")
                writer.uint32(/* id 9, wireType 2 =*/74).string(message.error);
            if (message.errorKind != null && $Object.hasOwnProperty.call(message, "errorKind") && message.errorKind !== 0)
                writer.uint32(/* id 10, wireType 0 =*/80).int32(message.errorKind);
            if (message.fromRank != null && $Object.hasOwnProperty.call(message, "fromRank") && message.fromRank !== 0)
                writer.uint32(/* id 11, wireType 0 =*/88).uint32(message.fromRank);
            if (message.samples != null && $Object.hasOwnProperty.call(message, "samples") && message.samples !== 0)
                writer.uint32(/* id 12, wireType 0 =*/96).uint32(message.samples);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a TensorChunk message from the specified reader or buffer.
         * @function decode
         * @memberof syncgrad.TensorChunk
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {syncgrad.TensorChunk & syncgrad.TensorChunk.$Shape} TensorChunk
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        TensorChunk.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.syncgrad.TensorChunk();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.job = value;
                        else
                            delete message.job;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.version = value;
                        else
                            delete message.version;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.index = value;
                        else
                            delete message.index;
                        continue;
                    }
                case 4: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.count = value;
                        else
                            delete message.count;
                        continue;
                    }
                case 5: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.offset = value;
                        else
                            delete message.offset;
                        continue;
                    }
                case 6: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.total = value;
                        else
                            delete message.total;
                        continue;
                    }
                case 7: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.int32())
                            message.codec = value;
                        else
                            delete message.codec;
                        continue;
                    }
                case 8: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.data = value;
                        else
                            delete message.data;
                        continue;
                    }
                case 9: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.error = value;
                        else
                            delete message.error;
                        continue;
                    }
                case 10: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.int32())
                            message.errorKind = value;
                        else
                            delete message.errorKind;
                        continue;
                    }
                case 11: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.fromRank = value;
                        else
                            delete message.fromRank;
                        continue;
                    }
                case 12: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.samples = value;
                        else
                            delete message.samples;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for TensorChunk
         * @function getTypeUrl
         * @memberof syncgrad.TensorChunk
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        TensorChunk.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/syncgrad.TensorChunk";
        };

        return TensorChunk;
    })();

    syncgrad.StepCommand = (function() {

        /**
         * Properties of a StepCommand.
         * @typedef {Object} syncgrad.StepCommand.$Properties
         * @property {string|null} [job] StepCommand job
         * @property {number|null} [step] StepCommand step
         * @property {number|null} [epoch] StepCommand epoch
         * @property {number|null} [paramsVersion] StepCommand paramsVersion
         * @property {number|null} [paramsChecksum] StepCommand paramsChecksum
         * @property {Array.<number>|null} [indices] StepCommand indices
         * @property {number|null} [dropoutSeed] StepCommand dropoutSeed
         * @property {number|null} [rank] StepCommand rank
         * @property {Array.<number>|null} [reduceRanks] StepCommand reduceRanks
         * @property {number|null} [exchange] StepCommand exchange
         * @property {number|null} [adamStep] StepCommand adamStep
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a StepCommand.
         * @memberof syncgrad
         * @interface IStepCommand
         * @augments syncgrad.StepCommand.$Properties
         * @deprecated Use syncgrad.StepCommand.$Properties instead.
         */

        /**
         * Shape of a StepCommand.
         * @typedef {syncgrad.StepCommand.$Properties} syncgrad.StepCommand.$Shape
         */

        /**
         * Constructs a new StepCommand.
         * @memberof syncgrad
         * @classdesc Represents a StepCommand.
         * @constructor
         * @param {syncgrad.StepCommand.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const StepCommand = function (properties) {
            this.indices = [];
            this.reduceRanks = [];
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * StepCommand job.
         * @member {string} job
         * @memberof syncgrad.StepCommand
         * @instance
         */
        StepCommand.prototype.job = "";

        /**
         * StepCommand step.
         * @member {number} step
         * @memberof syncgrad.StepCommand
         * @instance
         */
        StepCommand.prototype.step = 0;

        /**
         * StepCommand epoch.
         * @member {number} epoch
         * @memberof syncgrad.StepCommand
         * @instance
         */
        StepCommand.prototype.epoch = 0;

        /**
         * StepCommand paramsVersion.
         * @member {number} paramsVersion
         * @memberof syncgrad.StepCommand
         * @instance
         */
        StepCommand.prototype.paramsVersion = 0;

        /**
         * StepCommand paramsChecksum.
         * @member {number} paramsChecksum
         * @memberof syncgrad.StepCommand
         * @instance
         */
        StepCommand.prototype.paramsChecksum = 0;

        /**
         * StepCommand indices.
         * @member {Array.<number>} indices
         * @memberof syncgrad.StepCommand
         * @instance
         */
        StepCommand.prototype.indices = $util.emptyArray;

        /**
         * StepCommand dropoutSeed.
         * @member {number} dropoutSeed
         * @memberof syncgrad.StepCommand
         * @instance
         */
        StepCommand.prototype.dropoutSeed = 0;

        /**
         * StepCommand rank.
         * @member {number} rank
         * @memberof syncgrad.StepCommand
         * @instance
         */
        StepCommand.prototype.rank = 0;

        /**
         * StepCommand reduceRanks.
         * @member {Array.<number>} reduceRanks
         * @memberof syncgrad.StepCommand
         * @instance
         */
        StepCommand.prototype.reduceRanks = $util.emptyArray;

        /**
         * StepCommand exchange.
         * @member {number} exchange
         * @memberof syncgrad.StepCommand
         * @instance
         */
        StepCommand.prototype.exchange = 0;

        /**
         * StepCommand adamStep.
         * @member {number} adamStep
         * @memberof syncgrad.StepCommand
         * @instance
         */
        StepCommand.prototype.adamStep = 0;

        /**
         * Creates a new StepCommand instance using the specified properties.
         * @function create
         * @memberof syncgrad.StepCommand
         * @static
         * @param {syncgrad.StepCommand.$Properties=} [properties] Properties to set
         * @returns {syncgrad.StepCommand} StepCommand instance
         * @type {{
         *   (properties: syncgrad.StepCommand.$Shape): syncgrad.StepCommand & syncgrad.StepCommand.$Shape;
         *   (properties?: syncgrad.StepCommand.$Properties): syncgrad.StepCommand;
         * }}
         */
        StepCommand.create = function(properties) {
            return new StepCommand(properties);
        };

        /**
         * Encodes the specified StepCommand message. Does not implicitly {@link syncgrad.StepCommand.verify|verify} messages.
         * @function encode
         * @memberof syncgrad.StepCommand
         * @static
         * @param {syncgrad.StepCommand.$Properties} message StepCommand message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        StepCommand.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.job != null && $Object.hasOwnProperty.call(message, "job") && message.job !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.job);
            if (message.step != null && $Object.hasOwnProperty.call(message, "step") && message.step !== 0)
                writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.step);
            if (message.epoch != null && $Object.hasOwnProperty.call(message, "epoch") && message.epoch !== 0)
                writer.uint32(/* id 3, wireType 0 =*/24).uint32(message.epoch);
            if (message.paramsVersion != null && $Object.hasOwnProperty.call(message, "paramsVersion") && message.paramsVersion !== 0)
                writer.uint32(/* id 4, wireType 0 =*/32).uint32(message.paramsVersion);
            if (message.paramsChecksum != null && $Object.hasOwnProperty.call(message, "paramsChecksum") && message.paramsChecksum !== 0)
                writer.uint32(/* id 5, wireType 0 =*/40).uint32(message.paramsChecksum);
            if (message.indices != null && message.indices.length)
                writer.uint32(/* id 6, wireType 2 =*/50).uint32s(message.indices);
            if (message.dropoutSeed != null && $Object.hasOwnProperty.call(message, "dropoutSeed") && message.dropoutSeed !== 0)
                writer.uint32(/* id 7, wireType 0 =*/56).uint32(message.dropoutSeed);
            if (message.rank != null && $Object.hasOwnProperty.call(message, "rank") && message.rank !== 0)
                writer.uint32(/* id 8, wireType 0 =*/64).uint32(message.rank);
            if (message.reduceRanks != null && message.reduceRanks.length)
                writer.uint32(/* id 10, wireType 2 =*/82).uint32s(message.reduceRanks);
            if (message.exchange != null && $Object.hasOwnProperty.call(message, "exchange") && message.exchange !== 0)
                writer.uint32(/* id 11, wireType 0 =*/88).uint32(message.exchange);
            if (message.adamStep != null && $Object.hasOwnProperty.call(message, "adamStep") && message.adamStep !== 0)
                writer.uint32(/* id 12, wireType 0 =*/96).uint32(message.adamStep);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a StepCommand message from the specified reader or buffer.
         * @function decode
         * @memberof syncgrad.StepCommand
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {syncgrad.StepCommand & syncgrad.StepCommand.$Shape} StepCommand
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        StepCommand.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.syncgrad.StepCommand();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.job = value;
                        else
                            delete message.job;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.step = value;
                        else
                            delete message.step;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.epoch = value;
                        else
                            delete message.epoch;
                        continue;
                    }
                case 4: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.paramsVersion = value;
                        else
                            delete message.paramsVersion;
                        continue;
                    }
                case 5: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.paramsChecksum = value;
                        else
                            delete message.paramsChecksum;
                        continue;
                    }
                case 6: {
                        if (wireType === 2) {
                            if (!(message.indices && message.indices.length))
                                message.indices = [];
                            reader.uint32s(message.indices);
                            continue;
                        }
                        if (wireType !== 0)
                            break;
                        if (!(message.indices && message.indices.length))
                            message.indices = [];
                        message.indices.push(reader.uint32());
                        continue;
                    }
                case 7: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.dropoutSeed = value;
                        else
                            delete message.dropoutSeed;
                        continue;
                    }
                case 8: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.rank = value;
                        else
                            delete message.rank;
                        continue;
                    }
                case 10: {
                        if (wireType === 2) {
                            if (!(message.reduceRanks && message.reduceRanks.length))
                                message.reduceRanks = [];
                            reader.uint32s(message.reduceRanks);
                            continue;
                        }
                        if (wireType !== 0)
                            break;
                        if (!(message.reduceRanks && message.reduceRanks.length))
                            message.reduceRanks = [];
                        message.reduceRanks.push(reader.uint32());
                        continue;
                    }
                case 11: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.exchange = value;
                        else
                            delete message.exchange;
                        continue;
                    }
                case 12: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.adamStep = value;
                        else
                            delete message.adamStep;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for StepCommand
         * @function getTypeUrl
         * @memberof syncgrad.StepCommand
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        StepCommand.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/syncgrad.StepCommand";
        };

        return StepCommand;
    })();

    syncgrad.StepResult = (function() {

        /**
         * Properties of a StepResult.
         * @typedef {Object} syncgrad.StepResult.$Properties
         * @property {string|null} [job] StepResult job
         * @property {number|null} [step] StepResult step
         * @property {number|null} [rank] StepResult rank
         * @property {number|null} [loss] StepResult loss
         * @property {number|null} [correct] StepResult correct
         * @property {number|null} [count] StepResult count
         * @property {number|null} [computeSeconds] StepResult computeSeconds
         * @property {number|null} [chunkCount] StepResult chunkCount
         * @property {number|null} [total] StepResult total
         * @property {number|null} [checksum] StepResult checksum
         * @property {number|null} [skipped] StepResult skipped
         * @property {string|null} [error] StepResult error
         * @property {Array.<string>|null} [skippedPaths] StepResult skippedPaths
         * @property {syncgrad.ErrorKind|null} [errorKind] StepResult errorKind
         * @property {number|null} [readyMs] StepResult readyMs
         * @property {number|null} [weightsHeldMs] StepResult weightsHeldMs
         * @property {number|null} [bytesIn] StepResult bytesIn
         * @property {number|null} [bytesOut] StepResult bytesOut
         * @property {number|null} [weightsChecksum] StepResult weightsChecksum
         * @property {number|null} [reducedMs] StepResult reducedMs
         * @property {number|null} [repairs] StepResult repairs
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a StepResult.
         * @memberof syncgrad
         * @interface IStepResult
         * @augments syncgrad.StepResult.$Properties
         * @deprecated Use syncgrad.StepResult.$Properties instead.
         */

        /**
         * Shape of a StepResult.
         * @typedef {syncgrad.StepResult.$Properties} syncgrad.StepResult.$Shape
         */

        /**
         * Constructs a new StepResult.
         * @memberof syncgrad
         * @classdesc Represents a StepResult.
         * @constructor
         * @param {syncgrad.StepResult.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const StepResult = function (properties) {
            this.skippedPaths = [];
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * StepResult job.
         * @member {string} job
         * @memberof syncgrad.StepResult
         * @instance
         */
        StepResult.prototype.job = "";

        /**
         * StepResult step.
         * @member {number} step
         * @memberof syncgrad.StepResult
         * @instance
         */
        StepResult.prototype.step = 0;

        /**
         * StepResult rank.
         * @member {number} rank
         * @memberof syncgrad.StepResult
         * @instance
         */
        StepResult.prototype.rank = 0;

        /**
         * StepResult loss.
         * @member {number} loss
         * @memberof syncgrad.StepResult
         * @instance
         */
        StepResult.prototype.loss = 0;

        /**
         * StepResult correct.
         * @member {number} correct
         * @memberof syncgrad.StepResult
         * @instance
         */
        StepResult.prototype.correct = 0;

        /**
         * StepResult count.
         * @member {number} count
         * @memberof syncgrad.StepResult
         * @instance
         */
        StepResult.prototype.count = 0;

        /**
         * StepResult computeSeconds.
         * @member {number} computeSeconds
         * @memberof syncgrad.StepResult
         * @instance
         */
        StepResult.prototype.computeSeconds = 0;

        /**
         * StepResult chunkCount.
         * @member {number} chunkCount
         * @memberof syncgrad.StepResult
         * @instance
         */
        StepResult.prototype.chunkCount = 0;

        /**
         * StepResult total.
         * @member {number} total
         * @memberof syncgrad.StepResult
         * @instance
         */
        StepResult.prototype.total = 0;

        /**
         * StepResult checksum.
         * @member {number} checksum
         * @memberof syncgrad.StepResult
         * @instance
         */
        StepResult.prototype.checksum = 0;

        /**
         * StepResult skipped.
         * @member {number} skipped
         * @memberof syncgrad.StepResult
         * @instance
         */
        StepResult.prototype.skipped = 0;

        /**
         * StepResult error.
         * @member {string} error
         * @memberof syncgrad.StepResult
         * @instance
         */
        StepResult.prototype.error = "";

        /**
         * StepResult skippedPaths.
         * @member {Array.<string>} skippedPaths
         * @memberof syncgrad.StepResult
         * @instance
         */
        StepResult.prototype.skippedPaths = $util.emptyArray;

        /**
         * StepResult errorKind.
         * @member {syncgrad.ErrorKind} errorKind
         * @memberof syncgrad.StepResult
         * @instance
         */
        StepResult.prototype.errorKind = 0;

        /**
         * StepResult readyMs.
         * @member {number} readyMs
         * @memberof syncgrad.StepResult
         * @instance
         */
        StepResult.prototype.readyMs = 0;

        /**
         * StepResult weightsHeldMs.
         * @member {number} weightsHeldMs
         * @memberof syncgrad.StepResult
         * @instance
         */
        StepResult.prototype.weightsHeldMs = 0;

        /**
         * StepResult bytesIn.
         * @member {number} bytesIn
         * @memberof syncgrad.StepResult
         * @instance
         */
        StepResult.prototype.bytesIn = 0;

        /**
         * StepResult bytesOut.
         * @member {number} bytesOut
         * @memberof syncgrad.StepResult
         * @instance
         */
        StepResult.prototype.bytesOut = 0;

        /**
         * StepResult weightsChecksum.
         * @member {number} weightsChecksum
         * @memberof syncgrad.StepResult
         * @instance
         */
        StepResult.prototype.weightsChecksum = 0;

        /**
         * StepResult reducedMs.
         * @member {number} reducedMs
         * @memberof syncgrad.StepResult
         * @instance
         */
        StepResult.prototype.reducedMs = 0;

        /**
         * StepResult repairs.
         * @member {number} repairs
         * @memberof syncgrad.StepResult
         * @instance
         */
        StepResult.prototype.repairs = 0;

        /**
         * Creates a new StepResult instance using the specified properties.
         * @function create
         * @memberof syncgrad.StepResult
         * @static
         * @param {syncgrad.StepResult.$Properties=} [properties] Properties to set
         * @returns {syncgrad.StepResult} StepResult instance
         * @type {{
         *   (properties: syncgrad.StepResult.$Shape): syncgrad.StepResult & syncgrad.StepResult.$Shape;
         *   (properties?: syncgrad.StepResult.$Properties): syncgrad.StepResult;
         * }}
         */
        StepResult.create = function(properties) {
            return new StepResult(properties);
        };

        /**
         * Encodes the specified StepResult message. Does not implicitly {@link syncgrad.StepResult.verify|verify} messages.
         * @function encode
         * @memberof syncgrad.StepResult
         * @static
         * @param {syncgrad.StepResult.$Properties} message StepResult message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        StepResult.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.job != null && $Object.hasOwnProperty.call(message, "job") && message.job !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.job);
            if (message.step != null && $Object.hasOwnProperty.call(message, "step") && message.step !== 0)
                writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.step);
            if (message.rank != null && $Object.hasOwnProperty.call(message, "rank") && message.rank !== 0)
                writer.uint32(/* id 3, wireType 0 =*/24).uint32(message.rank);
            if (message.loss != null && $Object.hasOwnProperty.call(message, "loss") && !$Object.is(message.loss, 0))
                writer.uint32(/* id 4, wireType 1 =*/33).double(message.loss);
            if (message.correct != null && $Object.hasOwnProperty.call(message, "correct") && message.correct !== 0)
                writer.uint32(/* id 5, wireType 0 =*/40).uint32(message.correct);
            if (message.count != null && $Object.hasOwnProperty.call(message, "count") && message.count !== 0)
                writer.uint32(/* id 6, wireType 0 =*/48).uint32(message.count);
            if (message.computeSeconds != null && $Object.hasOwnProperty.call(message, "computeSeconds") && !$Object.is(message.computeSeconds, 0))
                writer.uint32(/* id 7, wireType 1 =*/57).double(message.computeSeconds);
            if (message.chunkCount != null && $Object.hasOwnProperty.call(message, "chunkCount") && message.chunkCount !== 0)
                writer.uint32(/* id 8, wireType 0 =*/64).uint32(message.chunkCount);
            if (message.total != null && $Object.hasOwnProperty.call(message, "total") && message.total !== 0)
                writer.uint32(/* id 9, wireType 0 =*/72).uint32(message.total);
            if (message.checksum != null && $Object.hasOwnProperty.call(message, "checksum") && message.checksum !== 0)
                writer.uint32(/* id 10, wireType 0 =*/80).uint32(message.checksum);
            if (message.skipped != null && $Object.hasOwnProperty.call(message, "skipped") && message.skipped !== 0)
                writer.uint32(/* id 11, wireType 0 =*/88).uint32(message.skipped);
            if (message.error != null && $Object.hasOwnProperty.call(message, "error") && message.error !== "")
                writer.uint32(/* id 12, wireType 2 =*/98).string(message.error);
            if (message.skippedPaths != null && message.skippedPaths.length)
                for (let i = 0; i < message.skippedPaths.length; ++i)
                    writer.uint32(/* id 13, wireType 2 =*/106).string(message.skippedPaths[i]);
            if (message.errorKind != null && $Object.hasOwnProperty.call(message, "errorKind") && message.errorKind !== 0)
                writer.uint32(/* id 14, wireType 0 =*/112).int32(message.errorKind);
            if (message.readyMs != null && $Object.hasOwnProperty.call(message, "readyMs") && !$Object.is(message.readyMs, 0))
                writer.uint32(/* id 15, wireType 1 =*/121).double(message.readyMs);
            if (message.weightsHeldMs != null && $Object.hasOwnProperty.call(message, "weightsHeldMs") && !$Object.is(message.weightsHeldMs, 0))
                writer.uint32(/* id 16, wireType 1 =*/129).double(message.weightsHeldMs);
            if (message.bytesIn != null && $Object.hasOwnProperty.call(message, "bytesIn") && !$Object.is(message.bytesIn, 0))
                writer.uint32(/* id 17, wireType 1 =*/137).double(message.bytesIn);
            if (message.bytesOut != null && $Object.hasOwnProperty.call(message, "bytesOut") && !$Object.is(message.bytesOut, 0))
                writer.uint32(/* id 18, wireType 1 =*/145).double(message.bytesOut);
            if (message.weightsChecksum != null && $Object.hasOwnProperty.call(message, "weightsChecksum") && message.weightsChecksum !== 0)
                writer.uint32(/* id 19, wireType 0 =*/152).uint32(message.weightsChecksum);
            if (message.reducedMs != null && $Object.hasOwnProperty.call(message, "reducedMs") && !$Object.is(message.reducedMs, 0))
                writer.uint32(/* id 20, wireType 1 =*/161).double(message.reducedMs);
            if (message.repairs != null && $Object.hasOwnProperty.call(message, "repairs") && message.repairs !== 0)
                writer.uint32(/* id 21, wireType 0 =*/168).uint32(message.repairs);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a StepResult message from the specified reader or buffer.
         * @function decode
         * @memberof syncgrad.StepResult
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {syncgrad.StepResult & syncgrad.StepResult.$Shape} StepResult
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        StepResult.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.syncgrad.StepResult();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.job = value;
                        else
                            delete message.job;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.step = value;
                        else
                            delete message.step;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.rank = value;
                        else
                            delete message.rank;
                        continue;
                    }
                case 4: {
                        if (wireType !== 1)
                            break;
                        if (!$Object.is(value = reader.double(), 0))
                            message.loss = value;
                        else
                            delete message.loss;
                        continue;
                    }
                case 5: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.correct = value;
                        else
                            delete message.correct;
                        continue;
                    }
                case 6: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.count = value;
                        else
                            delete message.count;
                        continue;
                    }
                case 7: {
                        if (wireType !== 1)
                            break;
                        if (!$Object.is(value = reader.double(), 0))
                            message.computeSeconds = value;
                        else
                            delete message.computeSeconds;
                        continue;
                    }
                case 8: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.chunkCount = value;
                        else
                            delete message.chunkCount;
                        continue;
                    }
                case 9: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.total = value;
                        else
                            delete message.total;
                        continue;
                    }
                case 10: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.checksum = value;
                        else
                            delete message.checksum;
                        continue;
                    }
                case 11: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.skipped = value;
                        else
                            delete message.skipped;
                        continue;
                    }
                case 12: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.error = value;
                        else
                            delete message.error;
                        continue;
                    }
                case 13: {
                        if (wireType !== 2)
                            break;
                        if (!(message.skippedPaths && message.skippedPaths.length))
                            message.skippedPaths = [];
                        message.skippedPaths.push(reader.stringVerify());
                        continue;
                    }
                case 14: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.int32())
                            message.errorKind = value;
                        else
                            delete message.errorKind;
                        continue;
                    }
                case 15: {
                        if (wireType !== 1)
                            break;
                        if (!$Object.is(value = reader.double(), 0))
                            message.readyMs = value;
                        else
                            delete message.readyMs;
                        continue;
                    }
                case 16: {
                        if (wireType !== 1)
                            break;
                        if (!$Object.is(value = reader.double(), 0))
                            message.weightsHeldMs = value;
                        else
                            delete message.weightsHeldMs;
                        continue;
                    }
                case 17: {
                        if (wireType !== 1)
                            break;
                        if (!$Object.is(value = reader.double(), 0))
                            message.bytesIn = value;
                        else
                            delete message.bytesIn;
                        continue;
                    }
                case 18: {
                        if (wireType !== 1)
                            break;
                        if (!$Object.is(value = reader.double(), 0))
                            message.bytesOut = value;
                        else
                            delete message.bytesOut;
                        continue;
                    }
                case 19: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.weightsChecksum = value;
                        else
                            delete message.weightsChecksum;
                        continue;
                    }
                case 20: {
                        if (wireType !== 1)
                            break;
                        if (!$Object.is(value = reader.double(), 0))
                            message.reducedMs = value;
                        else
                            delete message.reducedMs;
                        continue;
                    }
                case 21: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.repairs = value;
                        else
                            delete message.repairs;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for StepResult
         * @function getTypeUrl
         * @memberof syncgrad.StepResult
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        StepResult.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/syncgrad.StepResult";
        };

        return StepResult;
    })();

    syncgrad.EvalCommand = (function() {

        /**
         * Properties of an EvalCommand.
         * @typedef {Object} syncgrad.EvalCommand.$Properties
         * @property {string|null} [job] EvalCommand job
         * @property {number|null} [paramsVersion] EvalCommand paramsVersion
         * @property {number|null} [paramsChecksum] EvalCommand paramsChecksum
         * @property {syncgrad.Split|null} [split] EvalCommand split
         * @property {Array.<number>|null} [indices] EvalCommand indices
         * @property {number|null} [batchSize] EvalCommand batchSize
         * @property {number|null} [fpsBatches] EvalCommand fpsBatches
         * @property {number|null} [seq] EvalCommand seq
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of an EvalCommand.
         * @memberof syncgrad
         * @interface IEvalCommand
         * @augments syncgrad.EvalCommand.$Properties
         * @deprecated Use syncgrad.EvalCommand.$Properties instead.
         */

        /**
         * Shape of an EvalCommand.
         * @typedef {syncgrad.EvalCommand.$Properties} syncgrad.EvalCommand.$Shape
         */

        /**
         * Constructs a new EvalCommand.
         * @memberof syncgrad
         * @classdesc Represents an EvalCommand.
         * @constructor
         * @param {syncgrad.EvalCommand.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const EvalCommand = function (properties) {
            this.indices = [];
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * EvalCommand job.
         * @member {string} job
         * @memberof syncgrad.EvalCommand
         * @instance
         */
        EvalCommand.prototype.job = "";

        /**
         * EvalCommand paramsVersion.
         * @member {number} paramsVersion
         * @memberof syncgrad.EvalCommand
         * @instance
         */
        EvalCommand.prototype.paramsVersion = 0;

        /**
         * EvalCommand paramsChecksum.
         * @member {number} paramsChecksum
         * @memberof syncgrad.EvalCommand
         * @instance
         */
        EvalCommand.prototype.paramsChecksum = 0;

        /**
         * EvalCommand split.
         * @member {syncgrad.Split} split
         * @memberof syncgrad.EvalCommand
         * @instance
         */
        EvalCommand.prototype.split = 0;

        /**
         * EvalCommand indices.
         * @member {Array.<number>} indices
         * @memberof syncgrad.EvalCommand
         * @instance
         */
        EvalCommand.prototype.indices = $util.emptyArray;

        /**
         * EvalCommand batchSize.
         * @member {number} batchSize
         * @memberof syncgrad.EvalCommand
         * @instance
         */
        EvalCommand.prototype.batchSize = 0;

        /**
         * EvalCommand fpsBatches.
         * @member {number} fpsBatches
         * @memberof syncgrad.EvalCommand
         * @instance
         */
        EvalCommand.prototype.fpsBatches = 0;

        /**
         * EvalCommand seq.
         * @member {number} seq
         * @memberof syncgrad.EvalCommand
         * @instance
         */
        EvalCommand.prototype.seq = 0;

        /**
         * Creates a new EvalCommand instance using the specified properties.
         * @function create
         * @memberof syncgrad.EvalCommand
         * @static
         * @param {syncgrad.EvalCommand.$Properties=} [properties] Properties to set
         * @returns {syncgrad.EvalCommand} EvalCommand instance
         * @type {{
         *   (properties: syncgrad.EvalCommand.$Shape): syncgrad.EvalCommand & syncgrad.EvalCommand.$Shape;
         *   (properties?: syncgrad.EvalCommand.$Properties): syncgrad.EvalCommand;
         * }}
         */
        EvalCommand.create = function(properties) {
            return new EvalCommand(properties);
        };

        /**
         * Encodes the specified EvalCommand message. Does not implicitly {@link syncgrad.EvalCommand.verify|verify} messages.
         * @function encode
         * @memberof syncgrad.EvalCommand
         * @static
         * @param {syncgrad.EvalCommand.$Properties} message EvalCommand message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        EvalCommand.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.job != null && $Object.hasOwnProperty.call(message, "job") && message.job !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.job);
            if (message.paramsVersion != null && $Object.hasOwnProperty.call(message, "paramsVersion") && message.paramsVersion !== 0)
                writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.paramsVersion);
            if (message.paramsChecksum != null && $Object.hasOwnProperty.call(message, "paramsChecksum") && message.paramsChecksum !== 0)
                writer.uint32(/* id 3, wireType 0 =*/24).uint32(message.paramsChecksum);
            if (message.split != null && $Object.hasOwnProperty.call(message, "split") && message.split !== 0)
                writer.uint32(/* id 4, wireType 0 =*/32).int32(message.split);
            if (message.indices != null && message.indices.length)
                writer.uint32(/* id 5, wireType 2 =*/42).uint32s(message.indices);
            if (message.batchSize != null && $Object.hasOwnProperty.call(message, "batchSize") && message.batchSize !== 0)
                writer.uint32(/* id 6, wireType 0 =*/48).uint32(message.batchSize);
            if (message.fpsBatches != null && $Object.hasOwnProperty.call(message, "fpsBatches") && message.fpsBatches !== 0)
                writer.uint32(/* id 7, wireType 0 =*/56).uint32(message.fpsBatches);
            if (message.seq != null && $Object.hasOwnProperty.call(message, "seq") && message.seq !== 0)
                writer.uint32(/* id 8, wireType 0 =*/64).uint32(message.seq);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes an EvalCommand message from the specified reader or buffer.
         * @function decode
         * @memberof syncgrad.EvalCommand
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {syncgrad.EvalCommand & syncgrad.EvalCommand.$Shape} EvalCommand
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        EvalCommand.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.syncgrad.EvalCommand();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.job = value;
                        else
                            delete message.job;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.paramsVersion = value;
                        else
                            delete message.paramsVersion;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.paramsChecksum = value;
                        else
                            delete message.paramsChecksum;
                        continue;
                    }
                case 4: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.int32())
                            message.split = value;
                        else
                            delete message.split;
                        continue;
                    }
                case 5: {
                        if (wireType === 2) {
                            if (!(message.indices && message.indices.length))
                                message.indices = [];
                            reader.uint32s(message.indices);
                            continue;
                        }
                        if (wireType !== 0)
                            break;
                        if (!(message.indices && message.indices.length))
                            message.indices = [];
                        message.indices.push(reader.uint32());
                        continue;
                    }
                case 6: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.batchSize = value;
                        else
                            delete message.batchSize;
                        continue;
                    }
                case 7: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.fpsBatches = value;
                        else
                            delete message.fpsBatches;
                        continue;
                    }
                case 8: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.seq = value;
                        else
                            delete message.seq;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for EvalCommand
         * @function getTypeUrl
         * @memberof syncgrad.EvalCommand
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        EvalCommand.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/syncgrad.EvalCommand";
        };

        return EvalCommand;
    })();

    syncgrad.EvalResult = (function() {

        /**
         * Properties of an EvalResult.
         * @typedef {Object} syncgrad.EvalResult.$Properties
         * @property {string|null} [job] EvalResult job
         * @property {number|null} [rank] EvalResult rank
         * @property {number|null} [correct] EvalResult correct
         * @property {number|null} [count] EvalResult count
         * @property {number|null} [lossSum] EvalResult lossSum
         * @property {number|null} [fpsSeconds] EvalResult fpsSeconds
         * @property {number|null} [fpsImages] EvalResult fpsImages
         * @property {Array.<number>|null} [labels] EvalResult labels
         * @property {Array.<number>|null} [predictions] EvalResult predictions
         * @property {string|null} [error] EvalResult error
         * @property {number|null} [skipped] EvalResult skipped
         * @property {syncgrad.ErrorKind|null} [errorKind] EvalResult errorKind
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of an EvalResult.
         * @memberof syncgrad
         * @interface IEvalResult
         * @augments syncgrad.EvalResult.$Properties
         * @deprecated Use syncgrad.EvalResult.$Properties instead.
         */

        /**
         * Shape of an EvalResult.
         * @typedef {syncgrad.EvalResult.$Properties} syncgrad.EvalResult.$Shape
         */

        /**
         * Constructs a new EvalResult.
         * @memberof syncgrad
         * @classdesc Represents an EvalResult.
         * @constructor
         * @param {syncgrad.EvalResult.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const EvalResult = function (properties) {
            this.labels = [];
            this.predictions = [];
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * EvalResult job.
         * @member {string} job
         * @memberof syncgrad.EvalResult
         * @instance
         */
        EvalResult.prototype.job = "";

        /**
         * EvalResult rank.
         * @member {number} rank
         * @memberof syncgrad.EvalResult
         * @instance
         */
        EvalResult.prototype.rank = 0;

        /**
         * EvalResult correct.
         * @member {number} correct
         * @memberof syncgrad.EvalResult
         * @instance
         */
        EvalResult.prototype.correct = 0;

        /**
         * EvalResult count.
         * @member {number} count
         * @memberof syncgrad.EvalResult
         * @instance
         */
        EvalResult.prototype.count = 0;

        /**
         * EvalResult lossSum.
         * @member {number} lossSum
         * @memberof syncgrad.EvalResult
         * @instance
         */
        EvalResult.prototype.lossSum = 0;

        /**
         * EvalResult fpsSeconds.
         * @member {number} fpsSeconds
         * @memberof syncgrad.EvalResult
         * @instance
         */
        EvalResult.prototype.fpsSeconds = 0;

        /**
         * EvalResult fpsImages.
         * @member {number} fpsImages
         * @memberof syncgrad.EvalResult
         * @instance
         */
        EvalResult.prototype.fpsImages = 0;

        /**
         * EvalResult labels.
         * @member {Array.<number>} labels
         * @memberof syncgrad.EvalResult
         * @instance
         */
        EvalResult.prototype.labels = $util.emptyArray;

        /**
         * EvalResult predictions.
         * @member {Array.<number>} predictions
         * @memberof syncgrad.EvalResult
         * @instance
         */
        EvalResult.prototype.predictions = $util.emptyArray;

        /**
         * EvalResult error.
         * @member {string} error
         * @memberof syncgrad.EvalResult
         * @instance
         */
        EvalResult.prototype.error = "";

        /**
         * EvalResult skipped.
         * @member {number} skipped
         * @memberof syncgrad.EvalResult
         * @instance
         */
        EvalResult.prototype.skipped = 0;

        /**
         * EvalResult errorKind.
         * @member {syncgrad.ErrorKind} errorKind
         * @memberof syncgrad.EvalResult
         * @instance
         */
        EvalResult.prototype.errorKind = 0;

        /**
         * Creates a new EvalResult instance using the specified properties.
         * @function create
         * @memberof syncgrad.EvalResult
         * @static
         * @param {syncgrad.EvalResult.$Properties=} [properties] Properties to set
         * @returns {syncgrad.EvalResult} EvalResult instance
         * @type {{
         *   (properties: syncgrad.EvalResult.$Shape): syncgrad.EvalResult & syncgrad.EvalResult.$Shape;
         *   (properties?: syncgrad.EvalResult.$Properties): syncgrad.EvalResult;
         * }}
         */
        EvalResult.create = function(properties) {
            return new EvalResult(properties);
        };

        /**
         * Encodes the specified EvalResult message. Does not implicitly {@link syncgrad.EvalResult.verify|verify} messages.
         * @function encode
         * @memberof syncgrad.EvalResult
         * @static
         * @param {syncgrad.EvalResult.$Properties} message EvalResult message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        EvalResult.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.job != null && $Object.hasOwnProperty.call(message, "job") && message.job !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.job);
            if (message.rank != null && $Object.hasOwnProperty.call(message, "rank") && message.rank !== 0)
                writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.rank);
            if (message.correct != null && $Object.hasOwnProperty.call(message, "correct") && message.correct !== 0)
                writer.uint32(/* id 3, wireType 0 =*/24).uint32(message.correct);
            if (message.count != null && $Object.hasOwnProperty.call(message, "count") && message.count !== 0)
                writer.uint32(/* id 4, wireType 0 =*/32).uint32(message.count);
            if (message.lossSum != null && $Object.hasOwnProperty.call(message, "lossSum") && !$Object.is(message.lossSum, 0))
                writer.uint32(/* id 5, wireType 1 =*/41).double(message.lossSum);
            if (message.fpsSeconds != null && $Object.hasOwnProperty.call(message, "fpsSeconds") && !$Object.is(message.fpsSeconds, 0))
                writer.uint32(/* id 6, wireType 1 =*/49).double(message.fpsSeconds);
            if (message.fpsImages != null && $Object.hasOwnProperty.call(message, "fpsImages") && message.fpsImages !== 0)
                writer.uint32(/* id 7, wireType 0 =*/56).uint32(message.fpsImages);
            if (message.labels != null && message.labels.length)
                writer.uint32(/* id 8, wireType 2 =*/66).uint32s(message.labels);
            if (message.predictions != null && message.predictions.length)
                writer.uint32(/* id 9, wireType 2 =*/74).uint32s(message.predictions);
            if (message.error != null && $Object.hasOwnProperty.call(message, "error") && message.error !== "")
                writer.uint32(/* id 10, wireType 2 =*/82).string(message.error);
            if (message.skipped != null && $Object.hasOwnProperty.call(message, "skipped") && message.skipped !== 0)
                writer.uint32(/* id 11, wireType 0 =*/88).uint32(message.skipped);
            if (message.errorKind != null && $Object.hasOwnProperty.call(message, "errorKind") && message.errorKind !== 0)
                writer.uint32(/* id 12, wireType 0 =*/96).int32(message.errorKind);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes an EvalResult message from the specified reader or buffer.
         * @function decode
         * @memberof syncgrad.EvalResult
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {syncgrad.EvalResult & syncgrad.EvalResult.$Shape} EvalResult
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        EvalResult.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.syncgrad.EvalResult();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.job = value;
                        else
                            delete message.job;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.rank = value;
                        else
                            delete message.rank;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.correct = value;
                        else
                            delete message.correct;
                        continue;
                    }
                case 4: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.count = value;
                        else
                            delete message.count;
                        continue;
                    }
                case 5: {
                        if (wireType !== 1)
                            break;
                        if (!$Object.is(value = reader.double(), 0))
                            message.lossSum = value;
                        else
                            delete message.lossSum;
                        continue;
                    }
                case 6: {
                        if (wireType !== 1)
                            break;
                        if (!$Object.is(value = reader.double(), 0))
                            message.fpsSeconds = value;
                        else
                            delete message.fpsSeconds;
                        continue;
                    }
                case 7: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.fpsImages = value;
                        else
                            delete message.fpsImages;
                        continue;
                    }
                case 8: {
                        if (wireType === 2) {
                            if (!(message.labels && message.labels.length))
                                message.labels = [];
                            reader.uint32s(message.labels);
                            continue;
                        }
                        if (wireType !== 0)
                            break;
                        if (!(message.labels && message.labels.length))
                            message.labels = [];
                        message.labels.push(reader.uint32());
                        continue;
                    }
                case 9: {
                        if (wireType === 2) {
                            if (!(message.predictions && message.predictions.length))
                                message.predictions = [];
                            reader.uint32s(message.predictions);
                            continue;
                        }
                        if (wireType !== 0)
                            break;
                        if (!(message.predictions && message.predictions.length))
                            message.predictions = [];
                        message.predictions.push(reader.uint32());
                        continue;
                    }
                case 10: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.error = value;
                        else
                            delete message.error;
                        continue;
                    }
                case 11: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.skipped = value;
                        else
                            delete message.skipped;
                        continue;
                    }
                case 12: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.int32())
                            message.errorKind = value;
                        else
                            delete message.errorKind;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for EvalResult
         * @function getTypeUrl
         * @memberof syncgrad.EvalResult
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        EvalResult.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/syncgrad.EvalResult";
        };

        return EvalResult;
    })();

    syncgrad.DataRequest = (function() {

        /**
         * Properties of a DataRequest.
         * @typedef {Object} syncgrad.DataRequest.$Properties
         * @property {string|null} [job] DataRequest job
         * @property {string|null} [path] DataRequest path
         * @property {number|null} [offset] DataRequest offset
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a DataRequest.
         * @memberof syncgrad
         * @interface IDataRequest
         * @augments syncgrad.DataRequest.$Properties
         * @deprecated Use syncgrad.DataRequest.$Properties instead.
         */

        /**
         * Shape of a DataRequest.
         * @typedef {syncgrad.DataRequest.$Properties} syncgrad.DataRequest.$Shape
         */

        /**
         * Constructs a new DataRequest.
         * @memberof syncgrad
         * @classdesc Represents a DataRequest.
         * @constructor
         * @param {syncgrad.DataRequest.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const DataRequest = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * DataRequest job.
         * @member {string} job
         * @memberof syncgrad.DataRequest
         * @instance
         */
        DataRequest.prototype.job = "";

        /**
         * DataRequest path.
         * @member {string} path
         * @memberof syncgrad.DataRequest
         * @instance
         */
        DataRequest.prototype.path = "";

        /**
         * DataRequest offset.
         * @member {number} offset
         * @memberof syncgrad.DataRequest
         * @instance
         */
        DataRequest.prototype.offset = 0;

        /**
         * Creates a new DataRequest instance using the specified properties.
         * @function create
         * @memberof syncgrad.DataRequest
         * @static
         * @param {syncgrad.DataRequest.$Properties=} [properties] Properties to set
         * @returns {syncgrad.DataRequest} DataRequest instance
         * @type {{
         *   (properties: syncgrad.DataRequest.$Shape): syncgrad.DataRequest & syncgrad.DataRequest.$Shape;
         *   (properties?: syncgrad.DataRequest.$Properties): syncgrad.DataRequest;
         * }}
         */
        DataRequest.create = function(properties) {
            return new DataRequest(properties);
        };

        /**
         * Encodes the specified DataRequest message. Does not implicitly {@link syncgrad.DataRequest.verify|verify} messages.
         * @function encode
         * @memberof syncgrad.DataRequest
         * @static
         * @param {syncgrad.DataRequest.$Properties} message DataRequest message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        DataRequest.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.job != null && $Object.hasOwnProperty.call(message, "job") && message.job !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.job);
            if (message.path != null && $Object.hasOwnProperty.call(message, "path") && message.path !== "")
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.path);
            if (message.offset != null && $Object.hasOwnProperty.call(message, "offset") && message.offset !== 0)
                writer.uint32(/* id 3, wireType 0 =*/24).uint32(message.offset);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a DataRequest message from the specified reader or buffer.
         * @function decode
         * @memberof syncgrad.DataRequest
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {syncgrad.DataRequest & syncgrad.DataRequest.$Shape} DataRequest
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        DataRequest.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.syncgrad.DataRequest();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.job = value;
                        else
                            delete message.job;
                        continue;
                    }
                case 2: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.path = value;
                        else
                            delete message.path;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.offset = value;
                        else
                            delete message.offset;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for DataRequest
         * @function getTypeUrl
         * @memberof syncgrad.DataRequest
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        DataRequest.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/syncgrad.DataRequest";
        };

        return DataRequest;
    })();

    syncgrad.DataReply = (function() {

        /**
         * Properties of a DataReply.
         * @typedef {Object} syncgrad.DataReply.$Properties
         * @property {Uint8Array|null} [data] DataReply data
         * @property {number|null} [total] DataReply total
         * @property {string|null} [error] DataReply error
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a DataReply.
         * @memberof syncgrad
         * @interface IDataReply
         * @augments syncgrad.DataReply.$Properties
         * @deprecated Use syncgrad.DataReply.$Properties instead.
         */

        /**
         * Shape of a DataReply.
         * @typedef {syncgrad.DataReply.$Properties} syncgrad.DataReply.$Shape
         */

        /**
         * Constructs a new DataReply.
         * @memberof syncgrad
         * @classdesc Represents a DataReply.
         * @constructor
         * @param {syncgrad.DataReply.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const DataReply = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * DataReply data.
         * @member {Uint8Array} data
         * @memberof syncgrad.DataReply
         * @instance
         */
        DataReply.prototype.data = $util.newBuffer([]);

        /**
         * DataReply total.
         * @member {number} total
         * @memberof syncgrad.DataReply
         * @instance
         */
        DataReply.prototype.total = 0;

        /**
         * DataReply error.
         * @member {string} error
         * @memberof syncgrad.DataReply
         * @instance
         */
        DataReply.prototype.error = "";

        /**
         * Creates a new DataReply instance using the specified properties.
         * @function create
         * @memberof syncgrad.DataReply
         * @static
         * @param {syncgrad.DataReply.$Properties=} [properties] Properties to set
         * @returns {syncgrad.DataReply} DataReply instance
         * @type {{
         *   (properties: syncgrad.DataReply.$Shape): syncgrad.DataReply & syncgrad.DataReply.$Shape;
         *   (properties?: syncgrad.DataReply.$Properties): syncgrad.DataReply;
         * }}
         */
        DataReply.create = function(properties) {
            return new DataReply(properties);
        };

        /**
         * Encodes the specified DataReply message. Does not implicitly {@link syncgrad.DataReply.verify|verify} messages.
         * @function encode
         * @memberof syncgrad.DataReply
         * @static
         * @param {syncgrad.DataReply.$Properties} message DataReply message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        DataReply.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.data != null && $Object.hasOwnProperty.call(message, "data") && message.data.length)
                writer.uint32(/* id 1, wireType 2 =*/10).bytes(message.data);
            if (message.total != null && $Object.hasOwnProperty.call(message, "total") && message.total !== 0)
                writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.total);
            if (message.error != null && $Object.hasOwnProperty.call(message, "error") && message.error !== "")
                writer.uint32(/* id 3, wireType 2 =*/26).string(message.error);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a DataReply message from the specified reader or buffer.
         * @function decode
         * @memberof syncgrad.DataReply
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {syncgrad.DataReply & syncgrad.DataReply.$Shape} DataReply
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        DataReply.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.syncgrad.DataReply();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.bytes()).length)
                            message.data = value;
                        else
                            delete message.data;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.total = value;
                        else
                            delete message.total;
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.error = value;
                        else
                            delete message.error;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for DataReply
         * @function getTypeUrl
         * @memberof syncgrad.DataReply
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        DataReply.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/syncgrad.DataReply";
        };

        return DataReply;
    })();

    syncgrad.Ping = (function() {

        /**
         * Properties of a Ping.
         * @typedef {Object} syncgrad.Ping.$Properties
         * @property {string|null} [job] Ping job
         * @property {number|null} [sentMs] Ping sentMs
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Ping.
         * @memberof syncgrad
         * @interface IPing
         * @augments syncgrad.Ping.$Properties
         * @deprecated Use syncgrad.Ping.$Properties instead.
         */

        /**
         * Shape of a Ping.
         * @typedef {syncgrad.Ping.$Properties} syncgrad.Ping.$Shape
         */

        /**
         * Constructs a new Ping.
         * @memberof syncgrad
         * @classdesc Represents a Ping.
         * @constructor
         * @param {syncgrad.Ping.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const Ping = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Ping job.
         * @member {string} job
         * @memberof syncgrad.Ping
         * @instance
         */
        Ping.prototype.job = "";

        /**
         * Ping sentMs.
         * @member {number} sentMs
         * @memberof syncgrad.Ping
         * @instance
         */
        Ping.prototype.sentMs = 0;

        /**
         * Creates a new Ping instance using the specified properties.
         * @function create
         * @memberof syncgrad.Ping
         * @static
         * @param {syncgrad.Ping.$Properties=} [properties] Properties to set
         * @returns {syncgrad.Ping} Ping instance
         * @type {{
         *   (properties: syncgrad.Ping.$Shape): syncgrad.Ping & syncgrad.Ping.$Shape;
         *   (properties?: syncgrad.Ping.$Properties): syncgrad.Ping;
         * }}
         */
        Ping.create = function(properties) {
            return new Ping(properties);
        };

        /**
         * Encodes the specified Ping message. Does not implicitly {@link syncgrad.Ping.verify|verify} messages.
         * @function encode
         * @memberof syncgrad.Ping
         * @static
         * @param {syncgrad.Ping.$Properties} message Ping message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Ping.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.job != null && $Object.hasOwnProperty.call(message, "job") && message.job !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.job);
            if (message.sentMs != null && $Object.hasOwnProperty.call(message, "sentMs") && !$Object.is(message.sentMs, 0))
                writer.uint32(/* id 2, wireType 1 =*/17).double(message.sentMs);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Ping message from the specified reader or buffer.
         * @function decode
         * @memberof syncgrad.Ping
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {syncgrad.Ping & syncgrad.Ping.$Shape} Ping
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Ping.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.syncgrad.Ping();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.job = value;
                        else
                            delete message.job;
                        continue;
                    }
                case 2: {
                        if (wireType !== 1)
                            break;
                        if (!$Object.is(value = reader.double(), 0))
                            message.sentMs = value;
                        else
                            delete message.sentMs;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Ping
         * @function getTypeUrl
         * @memberof syncgrad.Ping
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Ping.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/syncgrad.Ping";
        };

        return Ping;
    })();

    syncgrad.Pong = (function() {

        /**
         * Properties of a Pong.
         * @typedef {Object} syncgrad.Pong.$Properties
         * @property {string|null} [workerId] Pong workerId
         * @property {number|null} [rank] Pong rank
         * @property {number|null} [paramsVersion] Pong paramsVersion
         * @property {number|null} [currentSeq] Pong currentSeq
         * @property {number|null} [lastSeq] Pong lastSeq
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Pong.
         * @memberof syncgrad
         * @interface IPong
         * @augments syncgrad.Pong.$Properties
         * @deprecated Use syncgrad.Pong.$Properties instead.
         */

        /**
         * Shape of a Pong.
         * @typedef {syncgrad.Pong.$Properties} syncgrad.Pong.$Shape
         */

        /**
         * Constructs a new Pong.
         * @memberof syncgrad
         * @classdesc Represents a Pong.
         * @constructor
         * @param {syncgrad.Pong.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const Pong = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Pong workerId.
         * @member {string} workerId
         * @memberof syncgrad.Pong
         * @instance
         */
        Pong.prototype.workerId = "";

        /**
         * Pong rank.
         * @member {number} rank
         * @memberof syncgrad.Pong
         * @instance
         */
        Pong.prototype.rank = 0;

        /**
         * Pong paramsVersion.
         * @member {number} paramsVersion
         * @memberof syncgrad.Pong
         * @instance
         */
        Pong.prototype.paramsVersion = 0;

        /**
         * Pong currentSeq.
         * @member {number} currentSeq
         * @memberof syncgrad.Pong
         * @instance
         */
        Pong.prototype.currentSeq = 0;

        /**
         * Pong lastSeq.
         * @member {number} lastSeq
         * @memberof syncgrad.Pong
         * @instance
         */
        Pong.prototype.lastSeq = 0;

        /**
         * Creates a new Pong instance using the specified properties.
         * @function create
         * @memberof syncgrad.Pong
         * @static
         * @param {syncgrad.Pong.$Properties=} [properties] Properties to set
         * @returns {syncgrad.Pong} Pong instance
         * @type {{
         *   (properties: syncgrad.Pong.$Shape): syncgrad.Pong & syncgrad.Pong.$Shape;
         *   (properties?: syncgrad.Pong.$Properties): syncgrad.Pong;
         * }}
         */
        Pong.create = function(properties) {
            return new Pong(properties);
        };

        /**
         * Encodes the specified Pong message. Does not implicitly {@link syncgrad.Pong.verify|verify} messages.
         * @function encode
         * @memberof syncgrad.Pong
         * @static
         * @param {syncgrad.Pong.$Properties} message Pong message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Pong.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.workerId != null && $Object.hasOwnProperty.call(message, "workerId") && message.workerId !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.workerId);
            if (message.rank != null && $Object.hasOwnProperty.call(message, "rank") && message.rank !== 0)
                writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.rank);
            if (message.paramsVersion != null && $Object.hasOwnProperty.call(message, "paramsVersion") && message.paramsVersion !== 0)
                writer.uint32(/* id 3, wireType 0 =*/24).uint32(message.paramsVersion);
            if (message.currentSeq != null && $Object.hasOwnProperty.call(message, "currentSeq") && message.currentSeq !== 0)
                writer.uint32(/* id 4, wireType 0 =*/32).uint32(message.currentSeq);
            if (message.lastSeq != null && $Object.hasOwnProperty.call(message, "lastSeq") && message.lastSeq !== 0)
                writer.uint32(/* id 5, wireType 0 =*/40).uint32(message.lastSeq);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Pong message from the specified reader or buffer.
         * @function decode
         * @memberof syncgrad.Pong
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {syncgrad.Pong & syncgrad.Pong.$Shape} Pong
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Pong.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.syncgrad.Pong();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.workerId = value;
                        else
                            delete message.workerId;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.rank = value;
                        else
                            delete message.rank;
                        continue;
                    }
                case 3: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.paramsVersion = value;
                        else
                            delete message.paramsVersion;
                        continue;
                    }
                case 4: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.currentSeq = value;
                        else
                            delete message.currentSeq;
                        continue;
                    }
                case 5: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.lastSeq = value;
                        else
                            delete message.lastSeq;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Pong
         * @function getTypeUrl
         * @memberof syncgrad.Pong
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Pong.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/syncgrad.Pong";
        };

        return Pong;
    })();

    syncgrad.Control = (function() {

        /**
         * Properties of a Control.
         * @typedef {Object} syncgrad.Control.$Properties
         * @property {string|null} [job] Control job
         * @property {syncgrad.Control.Kind|null} [kind] Control kind
         * @property {string|null} [reason] Control reason
         * @property {string|null} [workerId] Control workerId
         * @property {string|null} [coordinatorId] Control coordinatorId
         * @property {number|null} [exchange] Control exchange
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */

        /**
         * Properties of a Control.
         * @memberof syncgrad
         * @interface IControl
         * @augments syncgrad.Control.$Properties
         * @deprecated Use syncgrad.Control.$Properties instead.
         */

        /**
         * Shape of a Control.
         * @typedef {syncgrad.Control.$Properties} syncgrad.Control.$Shape
         */

        /**
         * Constructs a new Control.
         * @memberof syncgrad
         * @classdesc Represents a Control.
         * @constructor
         * @param {syncgrad.Control.$Properties=} [properties] Properties to set
         * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
         */
        const Control = function (properties) {
            if (properties)
                for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        };

        /**
         * Control job.
         * @member {string} job
         * @memberof syncgrad.Control
         * @instance
         */
        Control.prototype.job = "";

        /**
         * Control kind.
         * @member {syncgrad.Control.Kind} kind
         * @memberof syncgrad.Control
         * @instance
         */
        Control.prototype.kind = 0;

        /**
         * Control reason.
         * @member {string} reason
         * @memberof syncgrad.Control
         * @instance
         */
        Control.prototype.reason = "";

        /**
         * Control workerId.
         * @member {string} workerId
         * @memberof syncgrad.Control
         * @instance
         */
        Control.prototype.workerId = "";

        /**
         * Control coordinatorId.
         * @member {string} coordinatorId
         * @memberof syncgrad.Control
         * @instance
         */
        Control.prototype.coordinatorId = "";

        /**
         * Control exchange.
         * @member {number} exchange
         * @memberof syncgrad.Control
         * @instance
         */
        Control.prototype.exchange = 0;

        /**
         * Creates a new Control instance using the specified properties.
         * @function create
         * @memberof syncgrad.Control
         * @static
         * @param {syncgrad.Control.$Properties=} [properties] Properties to set
         * @returns {syncgrad.Control} Control instance
         * @type {{
         *   (properties: syncgrad.Control.$Shape): syncgrad.Control & syncgrad.Control.$Shape;
         *   (properties?: syncgrad.Control.$Properties): syncgrad.Control;
         * }}
         */
        Control.create = function(properties) {
            return new Control(properties);
        };

        /**
         * Encodes the specified Control message. Does not implicitly {@link syncgrad.Control.verify|verify} messages.
         * @function encode
         * @memberof syncgrad.Control
         * @static
         * @param {syncgrad.Control.$Properties} message Control message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Control.encode = function (message, writer, _depth) {
            if (!writer)
                writer = $Writer.create();
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $util.recursionLimit)
                throw $Error("max depth exceeded");
            if (message.job != null && $Object.hasOwnProperty.call(message, "job") && message.job !== "")
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.job);
            if (message.kind != null && $Object.hasOwnProperty.call(message, "kind") && message.kind !== 0)
                writer.uint32(/* id 2, wireType 0 =*/16).int32(message.kind);
            if (message.reason != null && $Object.hasOwnProperty.call(message, "reason") && message.reason !== "")
                writer.uint32(/* id 3, wireType 2 =*/26).string(message.reason);
            if (message.workerId != null && $Object.hasOwnProperty.call(message, "workerId") && message.workerId !== "")
                writer.uint32(/* id 4, wireType 2 =*/34).string(message.workerId);
            if (message.coordinatorId != null && $Object.hasOwnProperty.call(message, "coordinatorId") && message.coordinatorId !== "")
                writer.uint32(/* id 5, wireType 2 =*/42).string(message.coordinatorId);
            if (message.exchange != null && $Object.hasOwnProperty.call(message, "exchange") && message.exchange !== 0)
                writer.uint32(/* id 6, wireType 0 =*/48).uint32(message.exchange);
            if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                for (let i = 0; i < message.$unknowns.length; ++i)
                    writer.raw(message.$unknowns[i]);
            return writer;
        };

        /**
         * Decodes a Control message from the specified reader or buffer.
         * @function decode
         * @memberof syncgrad.Control
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {syncgrad.Control & syncgrad.Control.$Shape} Control
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Control.decode = function (reader, length, _end, _depth, _target) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (_depth === $undefined)
                _depth = 0;
            if (_depth > $Reader.recursionLimit)
                throw $Error("max depth exceeded");
            let end, message, value;
            if (length === $undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw $RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = _target || new $root.syncgrad.Control();
            while (reader.pos < end) {
                let start = reader.pos;
                let tag = reader.tag();
                if (tag === _end) {
                    _end = $undefined;
                    break;
                }
                let wireType = tag & 7;
                switch (tag >>>= 3) {
                case 1: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.job = value;
                        else
                            delete message.job;
                        continue;
                    }
                case 2: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.int32())
                            message.kind = value;
                        else
                            delete message.kind;
                        continue;
                    }
                case 3: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.reason = value;
                        else
                            delete message.reason;
                        continue;
                    }
                case 4: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.workerId = value;
                        else
                            delete message.workerId;
                        continue;
                    }
                case 5: {
                        if (wireType !== 2)
                            break;
                        if ((value = reader.stringVerify()).length)
                            message.coordinatorId = value;
                        else
                            delete message.coordinatorId;
                        continue;
                    }
                case 6: {
                        if (wireType !== 0)
                            break;
                        if (value = reader.uint32())
                            message.exchange = value;
                        else
                            delete message.exchange;
                        continue;
                    }
                }
                reader.skipType(wireType, _depth, tag);
                if (!reader.discardUnknown) {
                    $util.makeProp(message, "$unknowns", false);
                    (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                }
            }
            if (length !== $undefined) {
                if (reader.pos !== end)
                    throw $RangeError("index out of range");
                reader.len = length;
            }
            if (_end !== $undefined)
                throw $Error("missing end group");
            return message;
        };

        /**
         * Gets the type url for Control
         * @function getTypeUrl
         * @memberof syncgrad.Control
         * @static
         * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
         * @returns {string} The type url
         */
        Control.getTypeUrl = function(prefix) {
            if (prefix === $undefined)
                prefix = "type.googleapis.com";
            return prefix + "/syncgrad.Control";
        };

        /**
         * Kind enum.
         * @name syncgrad.Control.Kind
         * @enum {number}
         * @property {number} SHUTDOWN=0 SHUTDOWN value
         * @property {number} EVICT=1 EVICT value
         * @property {number} HEARTBEAT=2 HEARTBEAT value
         * @property {number} ABORT=3 ABORT value
         */
        Control.Kind = (function() {
            const valuesById = $Object.create(null), values = $Object.create(valuesById);
            values[valuesById[0] = "SHUTDOWN"] = 0;
            values[valuesById[1] = "EVICT"] = 1;
            values[valuesById[2] = "HEARTBEAT"] = 2;
            values[valuesById[3] = "ABORT"] = 3;
            return values;
        })();

        return Control;
    })();

    return syncgrad;
})();

export {
  $root as default
};
