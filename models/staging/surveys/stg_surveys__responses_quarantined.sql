-- Rows of raw surveys.responses that staging could not keep, one per raw row, with the reason.
{{ select_quarantined('base_surveys__responses', 'surveys', 'responses') }}
