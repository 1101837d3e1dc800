/* replaced by the codec sources */
typedef int msl_codec_placeholder_;
