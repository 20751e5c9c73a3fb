-- Rows of raw product.identifies that staging could not keep, one per raw row, with the reason.
{{ select_quarantined('base_product__identifies', 'product', 'identifies', record_id='event_id') }}
