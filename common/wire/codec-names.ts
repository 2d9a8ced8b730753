// The gradient codecs' flag names, apart from the codecs (which load the protobuf messages).
export const CODEC_NAMES = ['fp32', 'fp16', 'bf16'] as const;
export type CodecName = (typeof CODEC_NAMES)[number];
