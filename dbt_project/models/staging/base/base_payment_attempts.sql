-- Every row of raw payment_attempts, typed, with its quarantine verdict (see relance_check_table).
-- Foreign keys are checked against the parents' valid rows:
-- depends_on: {{ ref('stg_installments') }}

{{ relance_check_table('payment_attempts') }}
