-- Every row of raw calls, typed, with its quarantine verdict (see relance_check_table).
-- Foreign keys are checked against the parents' valid rows:
-- depends_on: {{ ref('stg_contacts') }}
-- depends_on: {{ ref('stg_customers') }}

{{ relance_check_table('calls') }}
