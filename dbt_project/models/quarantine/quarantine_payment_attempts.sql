-- Rows of raw payment_attempts kept out of the warehouse, with why, and their values as they arrived.
{{ relance_quarantine_rows(ref('base_payment_attempts'), 'payment_attempts') }}
