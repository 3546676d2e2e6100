package dev.descent.nn;

/** A layer computing y = x Wᵀ (+ b) with W of shape [outFeatures, inFeatures]: a plain {@link Linear}, a quantized linear layer, or an adapter around either. */
public interface LinearLayer extends Layer {
    int inFeatures();
    int outFeatures();
}
