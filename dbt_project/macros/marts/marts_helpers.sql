{#- Small helpers the int_ and mart models share. Each wraps a dbt cross-database macro where one
    exists, or dispatches so another adapter can supply its own version. -#}

{% macro add_days(date_expr, days) -%}
    cast({{ dbt.dateadd('day', days, date_expr) }} as date)
{%- endmacro %}

{% macro days_between(start_date, end_date) -%}
    cast({{ dbt.datediff(start_date, end_date, 'day') }} as integer)
{%- endmacro %}

{% macro month_start(date_expr) -%}
    cast({{ dbt.date_trunc('month', date_expr) }} as date)
{%- endmacro %}

{#- The far-future date that stands for "still open" in interval arithmetic. -#}
{% macro open_end_date() -%}
    cast('9999-12-31' as date)
{%- endmacro %}

{#- Naive UTC timestamp -> naive local timestamp in an IANA timezone. No dbt cross-database macro
    exists for this; DuckDB needs its ICU extension (bundled with the Python package). -#}
{% macro to_local_timestamp(utc_ts, timezone) -%}
    {{ return(adapter.dispatch('to_local_timestamp')(utc_ts, timezone)) }}
{%- endmacro %}

{% macro default__to_local_timestamp(utc_ts, timezone) -%}
    timezone({{ timezone }}, timezone('UTC', {{ utc_ts }}))
{%- endmacro %}

{% macro spark__to_local_timestamp(utc_ts, timezone) -%}
    from_utc_timestamp({{ utc_ts }}, {{ timezone }})
{%- endmacro %}

{% macro trino__to_local_timestamp(utc_ts, timezone) -%}
    cast(at_timezone(with_timezone({{ utc_ts }}, 'UTC'), {{ timezone }}) as timestamp)
{%- endmacro %}

{#- ISO weekday, 1 = Monday .. 7 = Sunday. -#}
{% macro iso_weekday(date_expr) -%}
    {{ return(adapter.dispatch('iso_weekday')(date_expr)) }}
{%- endmacro %}

{% macro default__iso_weekday(date_expr) -%}
    cast(extract(isodow from {{ date_expr }}) as integer)
{%- endmacro %}

{% macro spark__iso_weekday(date_expr) -%}
    cast(weekday({{ date_expr }}) + 1 as integer)
{%- endmacro %}

{% macro hour_of(ts_expr) -%}
    cast({{ date_part_of('hour', ts_expr) }} as integer)
{%- endmacro %}

{#- Days-past-due bucket used by roll rates and the installment fact. -#}
{% macro dpd_bucket(dpd) -%}
    case
        when {{ dpd }} is null or {{ dpd }} <= 0 then 'current'
        when {{ dpd }} <= 5 then '1-5'
        when {{ dpd }} <= 30 then '6-30'
        when {{ dpd }} <= 60 then '31-60'
        when {{ dpd }} <= 90 then '61-90'
        else '90+'
    end
{%- endmacro %}

{% macro dpd_buckets(include_current=true) -%}
    {%- set buckets = ['1-5', '6-30', '31-60', '61-90', '90+'] -%}
    {{ return((['current'] if include_current else []) + buckets) }}
{%- endmacro %}

{#- Failure reasons of the contract, in order (one mart column each). -#}
{% macro failure_reasons() -%}
    {{ return(['insufficient_funds', 'card_expired', 'card_declined', 'authentication_failed',
               'technical_error', 'account_closed', 'mandate_revoked', 'disputed']) }}
{%- endmacro %}

{#- Vars with their defaults, read in one place. -#}
{% macro attribution_window_days() -%}
    {{ return(var('attribution_window_days', 3) | int) }}
{%- endmacro %}

{% macro reporting_currency() -%}
    {{ return(var('reporting_currency', 'EUR')) }}
{%- endmacro %}

{% macro litigation_observation_days() -%}
    {{ return(var('litigation_observation_days', 90) | int) }}
{%- endmacro %}

{#- What counts as a call for the contact caps: an outbound call (inbound calls are the customer's). -#}
{% macro is_outbound_call() -%}
    channel = 'call' and direction = 'outbound'
{%- endmacro %}

{#- 1/0 flag from a boolean expression, summable on every engine. -#}
{% macro flag(condition) -%}
    case when {{ condition }} then 1 else 0 end
{%- endmacro %}

{#- The select list of a measure source in a union of sources: the given expressions, 0 for every
    other measure, in a fixed order so the sources line up. -#}
{% macro select_measures(measure_names, given) -%}
    {%- for m in measure_names %}
    {{ given.get(m, '0') }} as {{ m }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- A calendar field of a date or timestamp (ANSI EXTRACT; dbt has no cross-database macro). -#}
{% macro date_part_of(part, expr) -%}
    extract({{ part }} from {{ expr }})
{%- endmacro %}

{#- The IANA timezone names the engine can convert to, one per row in a column `timezone`. -#}
{% macro known_timezones() -%}
    {{ return(adapter.dispatch('known_timezones')()) }}
{%- endmacro %}

{% macro default__known_timezones() -%}
    select name as timezone from pg_timezone_names()
{%- endmacro %}

{#- An amount as stored in a mart: rounded to a millionth, so rebuilding gives identical values even
    though parallel sums of doubles may differ in their last bits from run to run. -#}
{% macro stable_amount(expr) -%}
    cast(round({{ expr }}, 6) as double)
{%- endmacro %}

{#- Sum of an amount in exact decimal arithmetic: each value rounded once to a millionth, then added
    exactly, so the total does not depend on the order parallel threads add rows in (doubles do),
    and a rebuild gives identical numbers. -#}
{% macro exact_sum(expr) -%}
    sum(cast({{ expr }} as decimal(38, 6)))
{%- endmacro %}
