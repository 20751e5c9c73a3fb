-- Rows of raw product.pages that staging could not keep, one per raw row, with the reason.
{{ select_quarantined('base_product__pages', 'product', 'pages', record_id="nullif(dedup_key, '')") }}
