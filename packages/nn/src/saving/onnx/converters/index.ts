/** Registers every built-in layer's ONNX converter (import for the side effect). */
import './activation-layers';
import './conv';
import './core';
import './embedding';
import './normalization';
import './pooling';
import './recurrent';
import './attention';
import './transformer';
import './more-layers';
import './resizing';
import './models';
import './merge';
import './conv-variants';
import './wrappers';
