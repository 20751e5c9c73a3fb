-- Rows of raw product.tracks that staging could not keep, one per raw row, with the reason.
{{ select_quarantined('base_product__tracks', 'product', 'tracks', record_id="nullif(dedup_key, '')") }}
