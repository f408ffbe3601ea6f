"""ISO 4217 currencies: which codes exist, how many decimals each is written with, and which one a region pays in."""

from __future__ import annotations

# Active ISO 4217 codes (plus the funds codes banks quote). On chat text the model reads "KES" as an ORG and
# "KES 1,000.00" even as a PERSON, so the code list also tells the extractor which model spans are amounts.
CURRENCY_CODES = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN
    BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP
    ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK
    JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK
    MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN
    PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB
    TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XCD
    XCG XOF XPF YER ZAR ZMW ZWG ZWL
    """.split()
)

# Minor units where they are not 2 (ISO 4217 table): "UGX 50000", "KWD 1.250", everything else "KES 3500.00".
_DECIMALS = {
    **dict.fromkeys("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF".split(), 0),
    **dict.fromkeys("BHD IQD JOD KWD LYD OMR TND".split(), 3),
}

# The currency a business in a region is paid in: the default for "$", "Rs", "/=", "dollars" written there.
REGION_CURRENCY = {
    "KE": "KES",
    "UG": "UGX",
    "TZ": "TZS",
    "RW": "RWF",
    "ET": "ETB",
    "SO": "SOS",
    "NG": "NGN",
    "GH": "GHS",
    "ZA": "ZAR",
    "ZM": "ZMW",
    "ZW": "ZWG",
    "BW": "BWP",
    "NA": "NAD",
    "EG": "EGP",
    "MA": "MAD",
    "SN": "XOF",
    "CI": "XOF",
    "CM": "XAF",
    "IN": "INR",
    "PK": "PKR",
    "LK": "LKR",
    "NP": "NPR",
    "BD": "BDT",
    "AE": "AED",
    "SA": "SAR",
    "US": "USD",
    "JM": "JMD",
    "TT": "TTD",
    "BB": "BBD",
    "MW": "MWK",
    "CA": "CAD",
    "AU": "AUD",
    "NZ": "NZD",
    "SG": "SGD",
    "HK": "HKD",
    "GB": "GBP",
    "IE": "EUR",
    "FR": "EUR",
    "DE": "EUR",
    "ES": "EUR",
    "PT": "EUR",
    "IT": "EUR",
    "NL": "EUR",
    "BE": "EUR",
    "BR": "BRL",
    "MX": "MXN",
    "AR": "ARS",
    "CO": "COP",
    "PH": "PHP",
    "ID": "IDR",
    "MY": "MYR",
}


def minor_digits(code: str) -> int:
    """How many decimals an amount in `code` is written with."""
    return _DECIMALS.get(code, 2)


def currency_for_region(region: str | None) -> str | None:
    """The currency of an ISO 3166 alpha-2 region ("KE" -> "KES"), None when unknown."""
    return REGION_CURRENCY.get(region.upper()) if region else None
