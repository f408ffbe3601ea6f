"""Names of people, organisations, places and products, read from what a chat says around a capitalised
word and from the shipped gazetteers; the small model's label is only the last resort.

On chat text the small English model finds most names but labels them wrongly ("Rongai", "Venmo" and
"Java House" all come out as people), so the label comes from evidence in this order: a known organisation
or product line, the word that ends the name (Bakery, Movers -> a business; Road, Mall, Phase 1 -> a place),
the noun after it ("our Ngara branch"), a title or a greeting before it ("Mrs Njoroge", "Hi Wanjiku"), the
lists of people and places, the preposition before it ("deliver to", "via"), and only then the model.
A capitalised word opening a sentence needs list evidence: chats capitalise "Delivery" and "Cement" too.

In German, Spanish, French and Portuguese (the language the detector gives the message, or the one its function
words show when the line is too short to tell) a capitalised common word of that language is not a name
("Bestellung", "Lieferung", "La Camiseta") unless a title, a greeting or a listed person or place says it is;
titles, greetings and the prepositions before places and businesses are read in those languages too, and a
business or street word opens a name there ("Panadería San Roque", "Rua Augusta", "Sarl Benali").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from pathlib import Path

from spacy.attrs import IDX, ORTH, SPACY
from spacy.tokens import Doc

from wa_pipeline.nlp.chat_words import CHAT_WORDS, CHAT_WORDS_BY_LANGUAGE, ENGLISH_WORDS
from wa_pipeline.nlp.currencies import CURRENCY_CODES
from wa_pipeline.nlp.entity import Entity
from wa_pipeline.nlp.gazetteer import WORLD, Gazetteer

PERSON, ORG, PRODUCT = "PERSON", "ORG", "PRODUCT"
TOWN, FACILITY = "GPE", "FAC"  # places: a named area, or a road, building or mall

# Order numbers, invoices, transaction codes: letters and digits mixed, at least five characters.
CODE = re.compile(r"(?=[A-Za-z0-9-]*\d)(?=[A-Za-z0-9-]*[A-Za-z])[A-Za-z0-9-]{5,}")
# Abbreviations that look like names: payment rails, sizes and chat shorthand.
NOT_ORGANISATIONS = frozenset(
    "UPI NEFT RTGS IMPS UTR EFT PO XL XXL OK ETA ASAP COD ID PIN ATM SMS CV GST VAT EMI TV FYI NB PS IBAN BIC "
    "SEPA RIB CPF CNPJ CBU CVU CLABE RFC DNI NIF MwSt AC".split()
)
_TITLES = frozenset(
    "mr mr. mrs mrs. ms ms. miss dr dr. prof prof. mama baba madam madame bwana mzee aunt auntie aunty uncle "
    "chief alhaji alhaja mallam pastor rev rev. mx sis bro dada shosh mwalimu frau herr herrn señor señora "
    "senhor senhora monsieur mme mme. mlle mademoiselle doña docteur doutor doutora".split()
)
# Forms of address before a name in the English of the Philippines, South Africa and West Africa ("Kuya Jun",
# "Ate Lorna", "Aling Nena", "Gogo Dlamini", "Sister Abena") and Nigerian and Ghanaian honorifics of trade,
# office and church ("Oga Emeka", "Engr. Bello", "Pst Ade"): read on English lines only, where they were found.
_ENGLISH_TITLES = frozenset(
    "kuya ate tita tito aling mang manang manong gogo mkhulu sisi bhuti sister brother sista "
    "oga engr engr. barr barr. hon hon. pst pst. deacon deaconess prophet apostle bishop imam sheikh coach "
    # ... Ghana's Akan "Nana" (a chief, an elder, a grandparent) before a name: "Nana Yaw", "Nana Ama"
    "nana "
    # ... and South African English's Afrikaans ones ("tannie Marietjie", "Oom Piet")
    "tannie oom "
    # ... and Nigerian English's parents' titles for an elder ("Mummy Tola", "Daddy Emeka")
    "mummy daddy "
    # ... and the staff a business's note names so ("Rider Kwame will call you"; "Rider alikuwa na puncture")
    "rider driver "
    # ... and the forms of address of other English-speaking markets: Zambia's "Ba Phiri", Zimbabwe's "Amai Chipo"
    # (not "Mai", Hinglish for "I"), Malaysia's and Singapore's "Kak Siti", "Encik Hafiz", "Puan Aminah"
    "ba amai kak kakak abang encik puan cik makcik pakcik "
    # ... and the letter-writer's "for the attention of" before whom a parcel or a quote is for: "FAO Jane Doe"
    "fao attn".split()
)
# Titles only ever written before a surname or a name, never before a word of thanks: "Mr Asante".
_FORMAL_TITLES = frozenset("mr mr. mrs mrs. ms ms. miss dr dr. prof prof.".split())
# Titles that are also names or words elsewhere ("Don", "Seu", "Papa"): titles only in their language.
_LANGUAGE_TITLES = {
    "de": frozenset("fr fr. hr hr. doktor".split()),
    "es": frozenset("don dona sr sr. sra sra. srta srta. doctor doctora dra dra. lic lic. ing ing. tío tía".split()),
    "pt": frozenset("dona seu sr sr. sra sra. dra dra. tio tia".split()),
    "fr": frozenset("m. maître tonton tata papa maman".split()),
    # Swahili forms of address before a name ("Bi Amina", "Kaka Juma", "Fundi Wafula").
    "sw": frozenset("bi bibi kaka fundi daktari dkt shangazi mjomba binti mwana".split()),
    # Hinglish ones written before a name ("Doctor Mehta", "Shri Verma", "bhai Rahul"); most follow it (below).
    "hi": frozenset("doctor shri shree smt shrimati bhai".split()),
}
# Hinglish forms of address written after a name, outside its span: "Sharma ji", "Sunil bhaiya", "Gupta sir".
# A word (even lower case: "mohit bhaiya") right before one of them is a person, unless it is an everyday word.
_ADDRESS_AFTER = frozenset(
    "ji jee bhaiya bhaiyya bhaia bhai didi di aunty auntie uncle sir madam mam ma'am saab sahab saheb bhabhi "
    "chacha chachi mausi dada".split()
)
_GREETINGS = frozenset(
    "hi hello hey hallo hiya dear niaje mambo sasa habari asante thanks thank thx cheers bye morning evening "
    "afternoon night hola oi olá namaste congratulations congrats regards yo servus moin grüezi grüß gruß liebe "
    "lieber danke hallöchen buenas buenos gracias querida querido bonjour bonsoir salut coucou merci salam salaam "
    "cher chère obrigado obrigada parabéns felicidades cumpleaños anniversaire geburtstag "
    "hongera shikamoo jambo namaskar pranam salamat shot "
    # a welcome to a newcomer or a customer: "Welcome Sipho to the group", "Welcome Mary, what would you like?"
    "welcome "
    # the hellos of South Africa, Ghana and the Philippines before a name: "Sawubona Sipho", "Akwaaba Esi"
    "sawubona dumela molo akwaaba kumusta kamusta mabuhay "
    # Ghana's hail to a friend: "Chale Nii, ..."
    "chale "
    # Tagalog "magandang umaga/hapon/gabi" (good morning, afternoon, evening) before a name
    "umaga hapon gabi "
    # the Muslim greetings and wishes of chats from Lagos and Kano to Mumbai, Karachi and Dhaka: "Assalamu
    # alaikum Musa", "Eid Mubarak Faisal bhai", "Jumma Mubarak"
    "assalamu assalam asalam asalamu alaikum alaykum aleikum alaikom mubarak "
    # sign-offs and hails before a name: "Gruss Reto", "Valeu Gui", "Saludos, Marta", "Che Juan", "Beijos, Ana"
    "gruss grüsse grüße grüssen grüßen che oye valeu vlw saludos abrazo abrazos abraço abraços beijo beijos "
    "besos "
    # thanks and hellos of the regions' own languages before a name on English lines: Twi "Medaase Kwame", Shona
    # "Mangwanani Rutendo", "Mhoro Kudzai", Nyanja "Muli bwanji Mutale", Zulu and Xhosa "Ngiyabonga Thandi", Urdu and
    # Hindi "Shukriya Ayesha", "JazakAllah Bilal", Hausa "Nagode Musa", Igbo "Daalu Chidi"
    "medaase mangwanani masikati manheru mhoro bwanji ngiyabonga siyabonga enkosi dankie howzit shukriya shukria "
    "dhanyavaad dhanyavad dhanyawad jazakallah jazakallahu nagode sannu daalu".split()
)
# Whom a greeting or a sign-off addresses when it is not a person: "Hello World", "Hi Team", "Dear Customer",
# "Regards, Management". Alone (or together: "Hi Team Members") these words are never a name.
_ADDRESSEES = frozenset(
    "world team teams family fam all everyone everybody guys folks friends friend people customer customers "
    "client clients member members management admin admins staff crew squad gang sir sirs madam boss bosses "
    "mate mates dear dears darling love ladies gentlemen there beautiful sweetheart neighbour neighbors "
    "neighbours colleagues partner partners group fam "
    # family words and mates a chat capitalises ("my Mum", "Thanks Bru", "the Delivery Guy")
    "mum mom mummy mommy dad daddy granny grandma grandpa hubby wifey bestie guy bru boet".split()
)
# God in the chat languages: "I thank God", "God bless", "Mungu akubariki", "Inshallah": thanked, never a person.
_DEITIES = frozenset({"god", "allah", "mungu", "dios", "deus", "dieu", "gott", "bhagwan"})
_SHORTHANDS = frozenset({"ksh", "kshs", "ush", "ushs", "tsh", "tshs", "shs", "rs", "bob"})
_NOT_NAMES = (
    CHAT_WORDS
    | _TITLES
    | _GREETINGS
    | _SHORTHANDS
    | frozenset(w.lower() for w in NOT_ORGANISATIONS)
    | frozenset(
        "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun "
        "january february march april june july august september october november december jan feb mar apr jun "
        "jul aug sep sept oct nov dec christmas easter eid diwali holi ramadan pongal onam navratri dussehra lohri "
        "baisakhi ugadi kwanzaa hanukkah today tomorrow tonight yesterday kesho leo jana jumamosi jumapili "
        "jumatatu jumanne jumatano alhamisi ijumaa am pm i i'm im ok okay yes no sure please pls plz sorry "
        "call email ring text whatsapp sms tel ref paybill till lipa good send deliver bring pay pick collect "
        "drop check confirm ssebo nyabo oga".split()
    )
)
_CONNECTORS = frozenset({"of", "de", "da", "do", "dos", "das", "es", "del", "n", "&", "la", "el", "le", "du", "des"})
_PLACE_ENDINGS = frozenset(
    "road rd street st avenue ave mall plaza house estate market stage centre center tower towers lane ln "
    "drive way close crescent highway hwy junction district nagar layout colony square heights park gardens "
    "city complex arcade building apartments court terminal stadium airport station village island beach "
    "hill hills valley bazaar chowk marg manor lake".split()
)
# Public for products.py: a listed brand before one of these is part of a street's or a mall's name ("Elm Avenue").
PLACE_ENDINGS = _PLACE_ENDINGS
_NUMBERED_PLACES = frozenset({"phase", "sector", "block", "zone", "gate", "extension", "community"})
# Written in lower case after a place, these are a landmark there, not part of its name: "the Kahawa Sukari stage",
# "Jibowu park", "Stockport station" (a road's word is the road's: "Langata road").
# Before a landmark of an address, mostly a business when a person is guessed: "opposite Quickmart", "behind Shoprite".
_LANDMARK_BEFORE = frozenset("opposite behind beside facing".split())
_LANDMARKS_AT = frozenset("stage station park market terminal airport stadium".split())
# A fuel brand's station, written after it: "near the Kenol petrol station".
_FUEL_STATIONS = [[kind, "station"] for kind in ("petrol", "filling", "gas", "fuel", "service")]
# What a number after them numbers inside an address, before the building's or street's name: "unit 4", "flat 3".
_UNIT_WORDS = frozenset("unit flat apartment apt suite room block blk lot plot house shop stall no".split())
# What such a word numbers: a letter, or a letter or two and a number ("flat B", "shop B12").
_UNIT_CODE = re.compile(r"[A-Za-z]|[A-Z]{1,2}\d{1,4}")
_DIRECTIONS = frozenset({"west", "east", "north", "south", "central", "cbd", "town"})
# A company's legal form, its last full stop left off: "Mode Fischer GmbH", "Pão Quente Ltda.", "Gráfica S.A.".
_LEGAL_FORMS = frozenset("gmbh ag kg ltda s.a s.l sarl sas eireli".split())
_LEGAL_FORMS_AND_BANK = _LEGAL_FORMS | {"bank"}
_ORG_ENDINGS = (
    frozenset(
        "bank ltd limited stores store shop shops bakery bakers fashions fashion boutique dental clinic pharmacy "
        "chemist chemists hardware supermarket enterprises enterprise motors salon spa restaurant cafe café hotel "
        "hotels services logistics electronics academy school hospital foods kitchen co co. inc inc. llc plc "
        "courier couriers movers agencies agency traders trading travel travels tours studio studios media "
        "solutions group designs furniture butchery cakes collections printers express transport insurance sacco "
        "labs ventures investments telecom bistro grill pizzeria lounge autos garage builders construction "
        "cleaners laundry photography events catering caterers farm farms dairy wines mart emporium beauty "
        "cosmetics textiles tailors gym fitness institute college university church ministries foundation chapel "
        "cathedral mosque parish tabernacle baptist "
        # lenders, firms of professionals and drugstores: "Faulu Microfinance", "Nkosi Attorneys", "Mercury Drug"
        "microfinance microfinancing attorneys advocates lawyers associates consultants accountants auditors "
        "drug drugs drugstore pharmaceuticals "
        # shops named for what they show or arrange: "Kente Gallery", "Bloom & Co Florist"
        "gallery galleries florist florists "
        "company corp corporation international ltda. money "
        # Swahili and Indian shop words: "Tigo Pesa", "Agarwal Sweets", "Shree Ganesh Bhandar", "Punjabi Dhaba".
        "pesa sweets bhandar dhaba kirana barbershop kinyozi jewellers mithai "
        # grocers and dressmakers: "Mama Mboga Groceries", "Amaka Couture"
        "grocers grocery groceries couture tyre tyres properties realty lab".split()
    )
    | _LEGAL_FORMS
)
# Family firms and trades ending an English line's business name: "Whitaker & Sons Joinery", "Osei Brothers",
# "Van der Merwe Plumbing", "Chop Bar".
_TRADE_ENDINGS = frozenset(
    "sons brothers bros joinery plumbing landscaping roofing electricals upholstery printing tailoring welding "
    "bar eatery canteen barbers butchers supplies merchants distributors wholesalers repairs repair cleaning".split()
)
# "Ma'am" and "po" address the reader of an English (or Taglish) line, never name them; nor does "Sr", West
# African chats' "Sir" ("Thanks Sr.", "Pls Sr, the link"), which only Spanish and Portuguese lines write before a name.
_ENGLISH_ADDRESSEES = frozenset("ma'am maam mam po sr sr.".split())
# A birthday wish names the person wished: "Happy Birthday Ava", "Hbd Ava" (the wish's initials).
_WISHED = frozenset({"birthday", "bday", "hbd"})
# ... and a person has the occasion: "for Ananya's birthday", "Kuya Jun's wedding".
_OCCASIONS = _WISHED | frozenset("wedding graduation funeral anniversary christening baptism".split())
# The word that opens a business's name in German, Spanish, French and Portuguese: "Bäckerei Kamps",
# "Panadería San Roque", "Boulangerie Dupont", "Padaria Real", "Sarl Benali", "Chez Adjoua".
_ORG_HEADS = frozenset(
    "bäckerei metzgerei konditorei apotheke gasthof gasthaus autohaus panadería panaderia pastelería pasteleria "
    "taquería taqueria zapatería zapateria ferretería ferreteria farmacia droguería drogueria restaurante "
    "cafetería cafeteria peluquería peluqueria tienda librería libreria padaria farmácia floricultura oficina "
    "pizzaria lanchonete churrascaria papelaria drogaria ótica otica boulangerie pâtisserie patisserie fromagerie "
    "boucherie pharmacie librairie tissus quincaillerie garage sarl sas ets établissements chez hotel hôtel "
    "restaurant clínica clinica clinique salão salon mercearia supermercado supermarché".split()
)
# More of each language's common shop words that open a business's name ("Açougue Boi Gordo", "Tortillería La
# Güera", "Pâtisserie Ndoye", "Fahrschule Yilmaz"): with the words above they open a run of capitalised words that
# names one business, whatever those words are listed as ("Farmácia São João", "Pharmacie du Plateau").
_TRADE_HEADS = _ORG_HEADS | frozenset(
    "açougue confeitaria sorveteria barbearia borracharia serralheria marcenaria vidraçaria lavanderia "
    "loja lojas armazém quitanda peixaria distribuidora imobiliária imobiliaria auto "
    "carnicería carniceria tortillería tortilleria papelería papeleria frutería fruteria verdulería verduleria "
    "pescadería pescaderia joyería joyeria óptica optica lavandería lavanderia mueblería muebleria carpintería "
    "carpinteria taller abarrotes refaccionaria panificadora "
    "épicerie epicerie alimentation cordonnerie pressing bijouterie meubles poissonnerie charcuterie "
    "auto-école brasserie maquis cabinet "
    "friseur friseursalon blumenhaus fahrschule reisebüro optik schuhhaus modehaus getränkemarkt "
    "reinigung werkstatt kfz-werkstatt bistro pizzeria café tecidos société".split()
)
# A German shop is often one compound ending in its trade: "Autohaus", "Blumenhaus", "Modehaus".
_GERMAN_TRADE_SUFFIXES = ("haus", "salon", "schule", "bäckerei", "metzgerei", "werkstatt", "laden", "apotheke")
# What joins the words of such a name: articles and prepositions of the four languages ("Apotheke am Markt",
# "Ferretería El Tornillo", "Salão da Neide", "Hôtel du Port").
_TRADE_JOINERS = _CONNECTORS | frozenset("los las o os a as am im zum zur vom an der l' d'".split())
# German words ending in "bank" that are benches and stores, not banks.
_GERMAN_BENCHES = frozenset("datenbank sitzbank werkbank sandbank parkbank gartenbank blutbank samenbank".split())
# Saints open towns' and districts' names in these languages: "São Gonçalo", "San Isidro", "Saint-Louis".
_SAINTS = frozenset("são sao santa santo san saint sainte sankt".split())
# Swahili shops named after their owner: "duka la Mama Njeri", "kibanda cha Mama Atieno" (the title is the name's).
_SWAHILI_SHOPS = frozenset("duka maduka kibanda kioski kiosk genge hoteli kinyozi saluni butchery".split())
_SWAHILI_OF = frozenset("la cha ya wa".split())
# "Msee wa Bolt", "dereva wa Uber": the man who works for a business.
_SWAHILI_STAFF = frozenset("msee dereva rider boda mtu jamaa".split())
# The word that opens a street's or an area's name there: "Calle Mayor", "Rua Augusta", "rue Victor Hugo".
_PLACE_HEADS = frozenset(
    "calle carrera avenida av. rua rue avenue boulevard bd plaza praça praca paseo travessa estrada rodovia "
    "camino quai chemin colonia barrio bairro vila villa zona shopping parque jardim".split()
)
# Street words written in lower case before the street's name belong to it ("rue Victor Hugo"); an area's word
# does not ("la colonia Roma" is Roma).
_STREET_HEADS = frozenset(
    "calle carrera avenida av. rua rue avenue boulevard travessa estrada paseo quai chemin".split()
)
# A German street or square is one word: "Lindenstraße", "Marienplatz".
_STREET_SUFFIXES = ("straße", "strasse", "platz", "gasse", "allee")
# The noun after a place name when a business names its own branch: "our Westlands shop", "Pune wale branch".
_BRANCH_NOUNS = frozenset(
    {"branch", "shop", "office", "hub", "store", "outlet", "side", "area", "stage", "depot", "location"}
)
_PLACE_CUES = frozenset(
    "to in at near within around into towards niko tuko nipo tupo uko yuko mko tunafika tumefika nimefika "
    "amefika imefika tutakuwa nitakuwa fika huko kutoka hadi mpaka deliver delivered ship shipped dispatch "
    "karibu".split()
)
_ORG_CUES = frozenset({"via", "through", "thru", "thro", "using", "kwa", "with", "ya"})
_BUSINESS_BEFORE = _ORG_CUES | frozenset({"from", "at"})
# What a payment brand calls its wallet or bank, after the brand's name: "MTN MoMo", "Vodafone Cash", "airtel
# money"; a listed brand in lower case is a business when one of them follows it.
_SERVICE_WORDS = frozenset("momo cash pay money pesa wallet bank express mobile".split())
# The desk a customer asks for after a company's name, written in lower case as chats write it: "icici customer care".
_CARE_DESKS = frozenset("care service services support helpline".split())
# "with" before a person rather than a payment service: "an appointment with Tyler", "confirm with Otieno".
_MEETING_WORDS = frozenset(
    "appointment appointments book booked booking in me us confirm check speak spoke talk talked session meeting "
    "slot chat deal dealt meet met leave left stay stayed".split()
)
# A service booked with someone, anywhere before "with": "book me for braids on Saturday with Blessing", "a
# massage with Rowena" (the meeting words above count only right before it: "send me the goods with G4S").
_BOOKED = frozenset("book booked booking appointment appointments session slot massage haircut braids nails".split())
# Polite words between a greeting and the name: "Hi Ma'am Joy", "Good day Sir Ramon".
_POLITE_ADDRESS = frozenset("ma'am maam mam sir madam".split())
# What a business books for its customer, before the business's name: "your booking at Casa Leticia".
_BOOKED_THINGS = frozenset("booking reservation appointment fitting stay table session".split())
# What a business keeps under a customer's name: "Order under Hafiz", "the booking is under Sarah".
_HELD_UNDER = _BOOKED_THINGS | frozenset("order orders pickup collection is it's its".split())
# Where a shop says it is: "we're located on Allen Avenue".
_LOCATED = frozenset("located based situated".split())
# What a business writes to its customer about, after "your", and its own premises and staff, after "our".
_YOUR_DEALINGS = frozenset(
    "order orders appointment booking reservation payment parcel package delivery fitting repair balance receipt "
    "invoice subscription".split()
)
_OUR_PREMISES = frozenset(
    "shop store branch kitchen salon location outlet showroom clinic workshop rider driver".split()
)
# Words after a name and a comma that speak to the reader: "Efua, your fitting", "Callum, you're booked".
_TO_THE_READER = frozenset("your you you're you've".split())
# Verbs that open an English request and are followed by the person asked: "Tell Kofi to add", "Ask Deepak".
_OPENING_VERBS = frozenset({"tell", "ask", "call", "remind", "inform"})
# Words before a chat's own initials: "your DM", "the OTP".
_OWNED_BEFORE = frozenset("your my the".split())
# Words before an everyday word a chat capitalises for emphasis: "was Nice", "Very Poor Service".
_EMPHASIS = frozenset("is was are were be been very so too really super quite extremely not looks tastes".split())
# The noun after a bank's or a wallet's name when a chat says where the money goes: "your Equity account".
_ACCOUNT_NOUNS = frozenset("account acc acct a/c savings wallet paybill till".split())
# "on" before a marketplace or an app rather than a street: "your advert on Jiji", "ordered on Swiggy".
_ONLINE_WORDS = frozenset("advert ad ads saw seen post posted listed listing ordered ordering bought page app".split())
# Particles that open a surname of the Philippines or South Africa ("Dela Cruz", "Delos Santos", "Du Plessis",
# "Van Wyk"), and the lower-case ones inside it ("Van der Merwe").
_PARTICLES = frozenset("dela delos de del van von du da di".split())
_INNER_PARTICLES = frozenset("der den de la".split())
# Where one shops or is served is a business: "service at Woolworths", "shopping at Checkers".
_SHOPPING = frozenset("service served shop shopped shopping queue queued".split())
_PAYING_WORDS = frozenset("pay paid paying payment sent send transfer transferred deposit deposited top".split())
# Where one paid, or found the goods, is a shop: "Paid at Shoprite with Mukuru", "I found it at Walmart".
_PAID_AT = frozenset("pay paid paying payment deposited found".split())
# Verbs that move money to whoever follows "to": a transfer says so itself, a sending needs an amount or money nearby.
_TRANSFERRING = frozenset("transfer transferred transferring wire wired".split())
_SENDING = frozenset("send sent sending".split())
_MONEY_WORDS = frozenset("money cash funds pesa dollars bucks".split())
_SEEING = frozenset("saw seen see".split())
_CLAIMING = frozenset("says say said marked marks shows showed claims claimed".split())
_THINGS = frozenset("it them one this that".split())
# What a verb opening a request acts on: "Mark my order", "Bill me".
_OBJECTS = frozenset("my me it us our them this these those".split())
_PARCELS = frozenset("parcel parcels package packages order shipment delivery box".split())
# What a courier or a shop does to an order, and the words that may come between the name and the deed: "Evri
# left my parcel", "Jumia never bring my order", "Blue Dart has not delivered", "Takealot sent the wrong stove".
# Words after which a town written in lower case is still a town: "in chennai", "how about kochi", "deliver to kisumu".
_TOWN_BEFORE = frozenset("in at near from around about to".split())
_COURIER_DEEDS = frozenset(
    "delivered deliver delivers sent send left lost cancelled canceled refunded shipped dispatched misplaced "
    "returned brought bring".split()
)
_DEED_AUXILIARIES = frozenset("never has have had not n't did still just".split())
_FAULTY = frozenset("wrong damaged fake broken faulty expired".split())
# Words that never follow a possessive "'s" as the thing owned: after them the "'s" is a shop's ("Sainsbury's in
# Clapham", "Nando's and KFC").
_NOT_OWNED = frozenset("in at on near by and or to from for with opposite behind is was has".split())
# A branch: "the Shoprite in Bellville", "the KFC at Junction" (a capitalised place after "in" or "at").
_BRANCH_PREPOSITIONS = frozenset({"in", "at"})
# "thanks to", "shoutout to", "spoke to" someone: the "to" of a person, not of a place.
_TO_A_PERSON = frozenset("thanks thank shoutout shout up spoke speak talk talked talking speaking greetings".split())
# Who comes "from" a business: "the rider from Sendy", "your delivery boy from Delhivery".
_FROM_A_BUSINESS = frozenset(
    "rider riders driver drivers boy guy guys agent agents staff courier someone service".split()
)
_BUYING = frozenset(
    "order ordered ordering orders shopping buy bought purchase compré comprei compramos comprou acheté gekauft "
    "deposité depositei pagué paguei pagou payé transferí transferi bezahlt "
    # where goods are sold or money leaves from: "venden en Mercadona", "la transferencia desde BBVA"
    "venden vende vendem vendia compro compra compran compram transferencia transferência".split()
)
# A payment in the languages of the chats: "pagué con Bizum", "paguei com Pix", "mit Klarna bezahlt".
_PAYMENT_WORDS = _PAYING_WORDS | frozenset(
    "pagar pagué pagado pago pagó pague pagamos transferí transferencia deposité depósito paguei pagou pagamento "
    "transferi transferência depositei bezahlt bezahle bezahlen zahle zahlen gezahlt überwiesen überweisung "
    "payé payer paiement réglé "
    # what the money is in or on: "cartão da Caixa", "débito do Santander", "cuenta de BBVA", "compte"
    "cartão cartao tarjeta cuenta conta débito debito crédito credito boleto compte carte konto".split()
)
# Where the money comes from or goes through: "transferencia desde BBVA", "débito do Santander", "pela Caixa".
_MEANS = frozenset("desde de do da del por pelo pela con com mit über per".split())
# With what one pays is a business ("pagado con Bizum", "paguei com Nubank"), with whom one meets a person.
_WITH = frozenset("con com mit".split())
_PERSON_NOUNS = frozenset(
    "name jina naam naitwa called named rider driver contact manager agent guy boss boy technician mechanic cashier "
    "attendant plumber electrician surname sender receiver recipient payer depositor stylist barber therapist "
    "beautician tailor chef cleaner nurse teller nombre nome nom namen habla heiße "
    "heißt llamo chamo chama appelle frère sœur soeur bruder schwester hermano hermana irmão irmã marido mari "
    "esposa sohn tochter hijo hija filho filha fils fille".split()
)
# A word opening in lower case with a capital inside, as brands write ("uBreakiFix", "eBay", "iFixIt"); people
# capitalise their names first ("MaryJoy", "McKenzie").
_BRAND_CASE = re.compile(r"[a-z]+[A-Z]")
# Who a business's note names after a colon: "Rider: Jun", "Driver: Kwame", "Name: Efua Mensah".
# Whom a business's alert addresses after its own name: "Dear OPay user", "Dear Airtel customer".
_SERVED = frozenset("user users customer customers client clients subscriber subscribers member members".split())
_LABELS = frozenset("rider driver contact name customer recipient receiver sender agent attendant stylist".split())
# Family and friends before a name: "my friend priya", "my cousin Esi", "meine Tochter Lena", "mi primo Beto".
_KIN = frozenset(
    "friend cousin husband wife son daughter sister brother niece nephew neighbour neighbor colleague boyfriend "
    "girlfriend fiancé fiancée bruder schwester sohn tochter freund freundin kollege kollegin nachbar nachbarin "
    "hermano hermana hijo hija primo prima amigo amiga esposo esposa marido irmão irmã filho filha frère sœur "
    "soeur fils fille cousine".split()
)
# The thanks before a name that end on a word other than "thanks" ("Thank you Grace", "thanks so much, Rose"): whom
# one thanks is a person, as after "Hi" or "Thanks".
_THANKS_ENDINGS = frozenset(
    {
        ("thank", "you"),
        ("thank", "u"),
        ("thanks", "so", "much"),
        ("you", "so", "much"),
        ("u", "so", "much"),
        ("you", "very", "much"),
        ("thanks", "a", "lot"),
        ("thanks", "again"),
        ("you", "again"),
        # Swahili thanks and a blessing end the same way on English lines of Kenya and Nigeria: "asante sana Grace",
        # "God bless you Precious"
        ("asante", "sana"),
        ("bless", "you"),
    }
)
# Whose kin a kin word names on an English line ("my Cousin", "her Brother").
_POSSESSIVES = frozenset("my your his her our their".split())
# Kin by marriage, written with "-in-law" after them; the mothers and fathers are kin words only so.
_IN_LAWS = frozenset("mother father".split())
# Telling or asking someone, before the "a"/"pro" that introduces them: "dile a Paco", "pregúntale a Javi",
# "fala pro Thiago", "pede pro Zé", "frag mal Tobi" (Spanish verbs with "-le" attached are found by their ending).
_TELLING = {
    "es": frozenset("di dile diga dígale pregunta pregúntale preguntale avisa avísale avisale avisá".split()),
    "pt": frozenset(
        "fala fale falar pede peça pedir avisa avise avisar diz diga dizer pergunta pergunte perguntar liga ligue "
        "ligar".split()
    ),
    "de": frozenset("frag fragt fragen sag sagt sagen ruf ruft grüß".split()),
}
# Words between a German telling verb and the person: "frag mal Tobi", "sag bitte dem Sepp".
_GERMAN_FILLERS = frozenset("mal bitte doch kurz einfach dem der den".split())
# What is sent to a person rather than to a place: "send the slip to Efua", "proof sent to Nomsa".
_PAPERS = frozenset("proof slip receipt screenshot invoice details pop statement quote quotation message".split())
# Giving something to a person: "pass it to Sipho", "hand it over to Kojo".
_GIVING = frozenset("pass passed give gave hand handed".split())
# Tagalog's markers of a person's name ("kay Rowena", "ni Marites", "kina Joy", "si Rhea"), read on chats of the
# Philippines only: "ni" is Swahili's "is".
_TAGALOG_PERSONAL = frozenset("kay ni kina nina si sina".split())
# ... and a thing sent or handed on is sent to someone when no list of places holds the word after "to": "send it to
# wanjiku", "hand over the parcel to ramesh" ("send the box to Kisumu" stays the town's).
_HANDING_ON = _GIVING | frozenset("send sent sending".split())
# What comes before a place or a business in each language ("nach", "en", "em", "à"; "por", "pelo", "par").
_LANGUAGE_PLACE_CUES = {
    "de": frozenset("nach im am aus".split()),
    "es": frozenset("en a hasta hacia desde".split()),
    "pt": frozenset("em no na nos nas pro pra para até".split()),
    "fr": frozenset("à au aux vers dans depuis".split()),
    "sw": frozenset("kwenye pale wapi mjini mtaa hapa kule".split()),
}
# Hindi postpositions come after the place: "Lajpat Nagar mein", "Jaipur ja rahe"; after a name no list knows,
# "se" (from), "pe" (on) and "wala" (the one of) mostly follow a business: "Amazon se mangaya", "Zepto pe",
# "Delhivery wala" (a listed place or person is read as such first).
_PLACE_AFTER = {"hi": frozenset("mein me main tak".split())}
# "wale" and its plural forms: "Kotak walo ne", "Zomato waalon se" (the firm's people).
_ORG_AFTER = {"hi": frozenset("se pe par wala wale wali walo walon waale waalo waalon".split())}
# ... and "ko" (to) a person: "Ankit ko bol dena".
_PERSON_AFTER = {"hi": frozenset({"ko"})}
_LANGUAGE_ORG_CUES = {
    "de": frozenset("per über".split()),
    "es": frozenset("por".split()),
    "pt": frozenset("pelo pela".split()),
    "fr": frozenset("par chez".split()),
    "sw": frozenset("kupitia duka dukani".split()),
}
# A line opening with an article and a capitalised word names a thing, not a person: "La Camiseta llegó rota".
_OPENING_ARTICLES = {
    "es": frozenset("el la los las un una mi mis tu su sus este esta".split()),
    "pt": frozenset("o a os as um uma meu minha esse essa este esta".split()),
    "fr": frozenset("le la les un une mon ma mes votre vos ce cette son sa".split()),
}
# Capitalised German words its list of nouns lacks and that name nobody: "per Mail", "aufs Handy".
_GERMAN_NOT_NAMES = frozenset("mail e-mail handy".split())
_GERMAN_DETERMINERS = frozenset(
    "der die das den dem des ein eine einer einem einen meine meiner meinem deine unsere eure ihre seine keine".split()
)
# Verbs after a name at a sentence's start that only people do: "Keisha did an amazing job", "Tobi said".
_PEOPLE_VERBS = frozenset("did said says told asked promised helped knows wants".split())
# ... and a question that asks someone to do something opens with one of these: "can Lerato bring".
_ASKING_MODALS = frozenset("can could will would should".split())
# ... or asks what someone is doing: "Is Hope working today?", "was Kamau coming".
_ASKING_STATES = frozenset({"is", "was"})
_NOT_VERBS = frozenset("and or with at in on to from of for the a an is".split())
_SIZE_WORDS = frozenset("size größe grösse talla taille tamanho".split())
# Holidays wished for ("Feliz Natal", "Frohe Ostern", "Semana Santa"): the city of Natal is not meant.
_WISHES = frozenset("feliz felices frohe frohes joyeux joyeuses bonne boas happy merry semana".split())
_HOLIDAYS = frozenset(
    "natal navidad noël noel weihnachten ostern pascua páscoa pâques pessach santa año ano ramadan eid".split()
)
# Words that tell the language of a line too short for the detector (and of a text given no language).
_FUNCTION_WORDS = {
    "de": frozenset(
        "der die das den dem des und ist nicht ich mit für auf bitte ein eine einen noch auch wir ihr "
        "bei vom zum zur im am aus nach kann habe haben hat wie wo was danke gibt schon wäre".split()
    ),
    "es": frozenset(
        "el los las y que por para con una un del al lo mi pero muy ya hay está gracias quiero tienen hola".split()
    ),
    "pt": frozenset(
        "os as é não que por para com uma um do da dos das pro pra meu minha você vocês tá obrigado "
        "obrigada quero tem".split()
    ),
    "fr": frozenset(
        "le les et est pas que pour avec une un du des au aux je vous nous mon ma mes c'est merci bonjour svp".split()
    ),
    "en": frozenset("the and is not i you we to for can with of an my your please thanks this that it on at".split()),
}
# Swahili and Hindi ones only confirm a detector that says so: "la", "se", "me", "par" are French words too, so
# they take no part in reading other languages (nor in guessing a language the detector did not give).
_CONFIRMING_WORDS = {
    "sw": frozenset(
        "na ya wa kwa ni la za kwenye nimetuma nimelipa naomba tafadhali asante sana bado hii hiyo yangu yako "
        "lakini pia kama niko uko mko sasa leo kesho jana habari karibu".split()
    ),
    "hi": frozenset(
        "hai hain ka ki ke ko se mein me pe par kya nahi aur bhi tha thi kar kr diya diye raha rahe bhej do "
        "aap mera meri mujhe hum wala wale wali ji bhaiya kal aaj".split()
    ),
}
_COMMON_NOUNS_FILE = Path(__file__).parent / "gazetteer" / "common_nouns.txt"
_WORD_NAMES_FILE = Path(__file__).parent / "gazetteer" / "word_names.txt"
_WORD_BRANDS_FILE = Path(__file__).parent / "gazetteer" / "word_brands.tsv"
# Who works for a business, or what it runs, after its name: "the Jollibee staff", "a Glovo rider", "the Shopee
# seller", "Jumia delivery man".
_STAFF_NOUNS = frozenset("staff rider riders driver drivers agent agents seller sellers courier delivery app".split())
# ... or what it ships and tracks, on English lines: "my Lazada parcel", "UPS tracking 1Z...", "the Jumia order".
# Where a chat names a listed business in lower case: "pay via paypal", "on flipkart", "my swiggy order", "the
# jumia sale".
_LOWER_CASE_BUSINESS_BEFORE = frozenset("via through thru using with on my your from at".split())
_SHIPPED_NOUNS = _STAFF_NOUNS | frozenset(
    "parcel parcels package packages tracking waybill order orders ride rides"
    # ... or what it bills its customer for: "your PLDT bill", "your Showmax subscription"
    " bill bills subscription".split()
)
_LOWER_CASE_BUSINESS_AFTER = _SHIPPED_NOUNS | _ACCOUNT_NOUNS | _CARE_DESKS | frozenset({"sale"})
# Words of Spanish, Portuguese, French or German only (no English, Swahili, Pidgin or Hinglish one): on an
# English line, after "tell" or "ask", they are a name ("Tell Segun", not Spanish "según").
_BEFORE_A_NAME = frozenset("tell ask - – — regards".split())
_FOREIGN_ONLY_WORDS = frozenset().union(*(CHAT_WORDS_BY_LANGUAGE[code] for code in ("es", "pt", "fr", "de"))) - (
    frozenset().union(*(CHAT_WORDS_BY_LANGUAGE[code] for code in ("en", "sw", "pcm", "hi"))) | ENGLISH_WORDS
)
# Built once: the checks below run for every token of every message.
_NOT_NAME_OPENERS = _TITLES | _GREETINGS
_KIND_ENDINGS = _PLACE_ENDINGS | _ORG_ENDINGS
_MODEL_LABELS = {"PERSON": PERSON, "ORG": ORG, "GPE": TOWN, "LOC": TOWN, "FAC": FACILITY, "PRODUCT": PRODUCT}
_MODEL_WORDS = frozenset({"pro", "max", "plus", "ultra", "mini", "lite", "air", "neo", "prime", "se", "fe"})
# What `Words` reads of each token, in one array.
_TOKEN_ATTRS = [ORTH, IDX, SPACY]
# Whether names and products pass over a word with no capital that opens no listed name without asking each rule
# (the rules' answer there is known): False only in tests, to show the shortcut changes nothing.
PASS_OVER_PLAIN_WORDS = True


class Word:
    """One token as the rules read it: its attributes taken from spaCy once per message. spaCy builds a new
    Token object at every `doc[i]` and every `for token in doc`, and the rules look at each token some twenty
    times, so they read these plain objects instead; the names are spaCy's, so a rule reads as it would on a
    Token. `has_capital` says whether the text holds an upper-case letter (no name rule starts on a word without
    one unless a list holds it)."""

    __slots__ = (
        "doc",
        "i",
        "idx",
        "text",
        "lower_",
        "whitespace_",
        "is_alpha",
        "is_lower",
        "is_space",
        "is_digit",
        "is_punct",
        "like_num",
        "is_currency",
        "has_capital",
    )

    def __len__(self) -> int:
        return len(self.text)

    def nbor(self, offset: int = 1) -> Word:
        """The word `offset` places on, as spaCy's `Token.nbor`."""
        return self.doc[self.i + offset]


# What a word's lexeme says of it (its text, lower case and flags), by its orth id, per vocab: a Token's
# attributes are lexeme lookups through a new Token object each, and chats use the same few thousand words day
# after day, so each word is read from spaCy once. Bounded: past `_LEXICON_SIZE` words it starts afresh.
_LEXICONS: dict[object, dict[int, tuple]] = {}
_LEXICON_SIZE = 200_000


def _lexeme(vocab, lexicon: dict[int, tuple], orth: int) -> tuple:
    lexeme = vocab[orth]
    text = lexeme.orth_
    found = (
        text,
        lexeme.lower_,
        lexeme.is_alpha,
        lexeme.is_lower,
        lexeme.is_space,
        lexeme.is_digit,
        lexeme.is_punct,
        lexeme.like_num,
        lexeme.is_currency,
        any(map(str.isupper, text)),
    )
    if len(lexicon) >= _LEXICON_SIZE:
        lexicon.clear()
    lexicon[orth] = found
    return found


class Words(list):
    """A message's doc read once: the list of its `Word`s (indexed, sliced and counted at list speed), their
    lower-case forms, its text and its user data."""

    __slots__ = ("lowers", "text", "user_data")

    def __init__(self, doc: Doc) -> None:
        super().__init__()
        vocab = doc.vocab
        lexicon = _LEXICONS.get(vocab)
        if lexicon is None:
            lexicon = _LEXICONS[vocab] = {}
        append, known = self.append, lexicon.get
        # One array of every token's orth id, offset and trailing space: no Token object is built.
        for i, (orth, idx, space) in enumerate(doc.to_array(_TOKEN_ATTRS).tolist()):
            word = Word()
            word.doc, word.i, word.idx, word.whitespace_ = self, i, idx, " " if space else ""
            (
                word.text,
                word.lower_,
                word.is_alpha,
                word.is_lower,
                word.is_space,
                word.is_digit,
                word.is_punct,
                word.like_num,
                word.is_currency,
                word.has_capital,
            ) = known(orth) or _lexeme(vocab, lexicon, orth)
            append(word)
        # spaCy's `doc.text` joins every token's text and space again, building each Token once more.
        self.text = "".join([word.text + word.whitespace_ for word in self])
        self.user_data = doc.user_data
        self.lowers = [word.lower_ for word in self]

    def text_of(self, start: int, end: int) -> str:
        """The text of words start to end, as spaCy's `doc[start:end].text` (the last word's space left off)."""
        if end <= start:
            return ""
        last = self[end - 1]
        return self.text[self[start].idx : last.idx + len(last.text)]


def capitalised(text: str) -> bool:
    """The word opens with a letter and holds a capital ("Amaka", "iPhone"): what every name needs."""
    return text[:1].isalpha() and any(map(str.isupper, text))


def words_of(doc: Doc) -> Words:
    """The message's `Words`, built once per doc for names and products alike."""
    words = doc.user_data.get("names_words")
    if words is None:
        words = doc.user_data["names_words"] = Words(doc)
    return words


def find_names(
    doc: Doc, region: str | None, gazetteer: Gazetteer, model: Sequence[Entity] = (), language: str | None = None
) -> list[Entity]:
    """The people, organisations, places and products of one message's doc, in text order; `language` (ISO 639-1,
    "" or None where unknown) says whose common nouns are not names."""
    doc = words_of(doc)  # from here on the rules read the message's Words, not spaCy's Tokens
    doc.user_data["names_language"] = _reading_language(doc, language)
    doc.user_data["names_given_language"] = language
    doc.user_data["names_gazetteer"] = gazetteer
    doc.user_data["names_region"] = region
    # Nearly every rule asks whether the line is English: it is worked out once per message.
    doc.user_data["names_english"] = _language(doc) is None and (
        language in (None, "", "en") or _english_by_its_words(doc, language)
    )
    found: list[Entity] = []
    unnamed: list[tuple[int, int]] = []  # capitalised runs no evidence labelled
    i = 0
    # Trade words and saints open names only in these languages: English lines skip their tests.
    trades = _language(doc) in ("es", "pt", "fr", "de", "sw")
    brands, lines = gazetteer.organisations.firsts, gazetteer.products.firsts
    plain = PASS_OVER_PLAIN_WORDS
    while i < len(doc):
        word = doc[i]
        mentioned = _mentioned(doc, i, gazetteer) if word.text[:1] == "@" else None
        if mentioned is not None:
            found.append(mentioned)  # "@Achieng did you confirm": a group chat's mention of a member
            i += 1
            continue
        service = _named_by_its_service(doc, i, gazetteer, region)
        if service:
            found.append(_entity(doc, i, service, ORG, "rule"))
            i = service
            continue
        if plain and not word.has_capital and word.lower_ not in brands and word.lower_ not in lines:
            # Most words: every rule below but the last needs a capital or a listed name to start on.
            town = _lower_case_town_end(doc, i, gazetteer, region)
            if town > i:
                found.append(_entity(doc, i, town, TOWN, "rule"))
                i = town
                continue
            shop = _lower_case_trade_end(doc, i, gazetteer)
            if shop > i:
                found.append(_entity(doc, i, shop, ORG, "rule"))
                i = shop
                continue
            end = _addressed_lower_case(doc, i)
            if end > i:
                found.append(_entity(doc, i, end, PERSON, "rule"))
            i = max(end, i + 1)
            continue
        shop = trades and doc[i].text[:1].isupper() and _trade_name_end(doc, i)
        if shop:
            found.append(_entity(doc, i, shop, ORG, "rule"))
            i = shop
            continue
        saint = trades and doc[i].lower_ in _SAINTS and _saint_place_end(doc, i)
        if saint:
            found.append(_entity(doc, i, saint, TOWN, "rule"))
            i = saint
            continue
        if _word_brand_at(doc, i, region):
            found.append(_entity(doc, i, i + 1, ORG, "rule"))  # "bought it at Checkers": a chain named by a word
            i += 1
            continue
        known = _known_at(doc, i, gazetteer)
        if known is not None:
            label, end = known
            found.append(_entity(doc, i, end, label, "rule"))
            i = end
            continue
        joined = _joined_by_n(doc, i)
        if joined:
            found.append(_entity(doc, i, joined, ORG, "rule"))  # "the Pick n Pay in Rosebank"
            i = joined
            continue
        end = _run_end(doc, i, gazetteer, region)
        if end == i:
            town = _lower_case_town_end(doc, i, gazetteer, region)
            if town > i:
                found.append(_entity(doc, i, town, TOWN, "rule"))
                i = town
                continue
            shop = _lower_case_trade_end(doc, i, gazetteer)
            if shop > i:
                found.append(_entity(doc, i, shop, ORG, "rule"))
                i = shop
                continue
            end = _addressed_lower_case(doc, i)
            if end > i:
                found.append(_entity(doc, i, end, PERSON, "rule"))
            i = max(end, i + 1)
            continue
        start = _with_leading_number(doc, i, end)
        owner = _owner_named_end(doc, start, end, gazetteer, region)
        if owner:
            found.append(_entity(doc, start, owner, ORG, "rule"))  # "from Glow by Bisola"
            i = owner
            continue
        at = _business_at_place(doc, start, end, gazetteer, region)
        if at:
            found += [_entity(doc, start, at, ORG, "rule"), _entity(doc, at, end, TOWN, "rule")]
            i = end
            continue
        entity = _addressed(doc, start, end) or _classify(doc, start, end, region, gazetteer, model)
        if entity is not None and entity.label == ORG and _titled_the(doc, start):
            entity = _entity(doc, start - 1, end, ORG, "rule")  # "Reminder from The Barber Lounge"
        if entity is not None and _english(doc) and _a_dish_or_a_garment(doc, i, end, gazetteer, region, entity.label):
            i = end  # "Two Chelsea Buns", "the Kente stoles": what is eaten or worn names no one
            continue
        if entity is not None:
            found.append(entity)
        else:
            unnamed.append((start, end))
        i = end
    if not found and _english(doc):
        bare = _bare_name(doc, gazetteer, region)
        if bare is not None:
            return [_entity(doc, bare[0], bare[1], PERSON, "rule")]
    return _people_listed_together(doc, found, unnamed, gazetteer) if _english(doc) else found


def _mentioned(doc: Words, i: int, gazetteer: Gazetteer) -> Entity | None:
    """The person a group chat's "@" mentions, the name without the "@", where the word after it is a listed given
    name ("@Achieng", "@wanjiru"); None for a handle no list knows ("@shop_ke")."""
    word = doc[i]
    name = word.text[1:]
    if not name.isalpha() or name.lower() not in gazetteer.people:
        return None
    return Entity(PERSON, name, word.idx + 1, word.idx + len(word.text), name, "rule")  # type: ignore[arg-type]


def _a_dish_or_a_garment(
    doc: Words, start: int, end: int, gazetteer: Gazetteer, region: str | None, label: str
) -> bool:
    if eaten_or_worn(doc, start, end, gazetteer, region, label):
        return True
    # a maker before its goods ("Peak milk") is products.py's
    return label in (PERSON, TOWN, FACILITY) and _before_what_is_worn_or_eaten(doc, start, end, gazetteer, region)


def eaten_or_worn(doc: Words, start: int, end: int, gazetteer: Gazetteer, region: str | None, label: str) -> bool:
    """The capitalised run read as `label` names a dish, a food, a garment or a cloth of the public lists
    (dishes.txt, garments.txt): all of it ("Victoria Sponge", "Harris Tweed") or, for a person or a place, its last
    word ("Butter Naan", "Eccles Cakes"). A business or a product is one only where every word is listed ("Pepper
    Soup"): "Bolt Food", "Juici Patties", "Marmite" are makers. A listed place or business, a town of any market, or
    a run holding a listed person's name that the lists do not name whole ("Charlotte", "Mary Rice"), or a person
    read whose every word is a given name that is also a word ("Rose"), stays a name."""
    words = tuple(doc[n].lower_ for n in range(start, end))
    if not all(word.isalpha() for word in words) or gazetteer.is_place(words, region):
        return False
    if any(words in towns for towns in gazetteer.towns.values()):
        return False  # "from Buffalo" in a chat of Kenya: a town of another market is still a town
    if gazetteer.organisations.longest_match(list(words), 0):
        return False  # "Coca Cola", "Pepsi Cola": a maker's drink
    if len(words) > 1 and (_worn_or_eaten_words(gazetteer, words)):
        return True  # "Caesar Salad" and "Chelsea Buns", whose first word names people
    if label not in (PERSON, TOWN, FACILITY):
        # every word as written: "Biryani Blues" is a restaurant ("blue" is a uniform)
        return len(words) > 1 and all((word,) in gazetteer.dishes or (word,) in gazetteer.garments for word in words)
    if any(word in gazetteer.people for word in words) or words[-1] in _KIND_ENDINGS | _PLACE_HEADS:
        return False  # "Capital Centre", "Manchester City"
    if label == PERSON and all(word in word_names() for word in words):
        return False  # "Thank you Rose": a given name that is also a word (and a wine) read as a person stays one
    return _worn_or_eaten_words(gazetteer, words[-1:])


def _worn_or_eaten_words(gazetteer: Gazetteer, words: tuple[str, ...]) -> bool:
    """The words, the last in the singular or not, are a listed dish, food, garment or cloth."""
    keys = [(*words[:-1], form) for form in _singulars(words[-1])]
    return any(key in listed for listed in (gazetteer.dishes, gazetteer.garments) for key in keys)


def _before_what_is_worn_or_eaten(doc: Words, start: int, end: int, gazetteer: Gazetteer, region: str | None) -> bool:
    """A lower-case garment or cloth of the lists follows ("the Kente stoles", "my Ankara gown"), or a dish or food
    after a run that names no place ("a Reuben sandwich"; "Kenya tea" is the country's). A listed person's name
    stays one ("Ngozi stays")."""
    after = doc[end] if end < len(doc) else None
    if after is None or not (after.is_alpha and after.is_lower) or after.lower_ in _KIND_ENDINGS:
        return False  # "Manchester city centre": "centre" is also a sweet's filling
    words = tuple(doc[n].lower_ for n in range(start, end))
    if any(word in gazetteer.people for word in words):
        return False
    keys = [(form,) for form in _singulars(after.lower_)]
    if any(key in gazetteer.garments for key in keys):
        return True
    if gazetteer.is_place(words, region) or any(words in towns for towns in gazetteer.towns.values()):
        return False
    return any(key in gazetteer.dishes for key in keys)


def _singulars(word: str) -> tuple[str, ...]:
    """The word and what its singular may be: "buns" -> "bun", "dresses" -> "dress", "pasties" -> "pasty"."""
    if not word.endswith("s") or word.endswith("ss"):
        return (word,)
    return (word, word[:-1], word[:-2], word[:-3] + "y")


def _named_by_its_service(doc: Words, i: int, gazetteer: Gazetteer, region: str | None) -> int:
    """Where a company named by the service after it ends, as customers write banks in any case: "IDFC bank",
    "kotak bank" (the name and "bank"), "icici customer care", "the SBI branch" (the name alone); 0 when none starts
    at i. The name is one word no English or chat word ("my bank", "food bank", "mera bank" stay), on an English,
    Hinglish or Swahili line: elsewhere "Bank" is written capitalised or as another word."""
    following = doc.lowers[i + 1] if i + 1 < len(doc) else ""
    if following not in ("bank", "customer", "branch") or _language(doc) not in (None, "hi", "sw"):
        return 0  # the cheap test first: most words are followed by none of these
    token = doc[i]
    word = token.lower_
    if not token.is_alpha or len(word) < 3 or word in ENGLISH_WORDS or word in CHAT_WORDS:
        return 0
    if word in _NOT_NAMES or word in _NOT_NAME_OPENERS or word in _ADDRESSEES:
        return 0
    if following == "bank":
        return i + 2 if doc[i + 1].text == "bank" else 0  # "Equity Bank" and "Erste Bank" are read elsewhere
    if following == "branch":
        # Initials before "branch" are the company's ("IDFC branch"); a town's name is where the branch is.
        listed = gazetteer.is_place((word,), region) or word in gazetteer.people or word in _DIRECTIONS  # "CBD"
        return i + 1 if token.text.isupper() and 2 <= len(word) <= 5 and not listed else 0
    desk = doc.lowers[i + 2] if i + 2 < len(doc) else ""
    return i + 1 if desk in _CARE_DESKS else 0


def _bare_name(doc: Words, gazetteer: Gazetteer, region: str | None) -> tuple[int, int] | None:
    """The start and end of a message that is nothing but a name of one to three capitalised words, as a customer
    answers "May I have your name?" ("Ibukun Ayomide", "Wanjiku?"): no word of it an English word (but a given
    name that is one), a chat word (but a listed name), an acronym, a greeting or title, or a listed place; None
    otherwise."""
    words = [token for token in doc if not token.is_space]
    while words and words[-1].text in ("?", "!", "."):
        words.pop()
    if not 0 < len(words) <= 3:
        return None
    if len(words) == 1 and words[0].lower_ not in gazetteer.people:
        return None  # "Amen", "Wow", "Quickmart": one word no list of given names holds is as likely no name
    for token in words:
        word = token.lower_
        if not token.is_alpha or not token.text[:1].isupper() or token.text.isupper() or len(word) < 3:
            return None
        if word in _NOT_NAME_OPENERS or word in _NOT_NAMES or gazetteer.is_place((word,), region):
            return None
        if word in ENGLISH_WORDS and word not in word_names() or word in CHAT_WORDS and word not in gazetteer.people:
            return None  # "Thai Spice", "Okay Boss"; "Joy Wanjiru" and "Baraka" (a chat word too) are names
    return words[0].i, words[-1].i + 1


def _joined_by_n(doc: Words, i: int) -> int:
    """Where two capitalised words joined by a lower-case "n" end, as chains and brands are written ("Pick n
    Pay", "Mix n Match"); 0 when none starts at i. The words may be everyday ones ("pick", "pay")."""
    if not _english(doc) or i + 2 >= len(doc) or doc[i + 1].text not in ("n", "'n'", "’n’"):
        return 0
    first, second = doc[i], doc[i + 2]
    if not (first.is_alpha and second.is_alpha and first.text[:1].isupper() and second.text[:1].isupper()):
        return 0
    return i + 3 if first.text[1:].islower() and second.text[1:].islower() else 0


def _owner_named_end(doc: Words, start: int, end: int, gazetteer: Gazetteer, region: str | None) -> int:
    """Where a business named for its maker ends, as small businesses name themselves ("Glow by Bisola", "Cakes
    by Tolu"), after "from", "at", "via" or "with" on an English line; 0 when there is none."""
    if not _english(doc) or start == 0 or end + 1 >= len(doc) or doc[end].text != "by":
        return 0
    if doc[start - 1].lower_ not in _BUSINESS_BEFORE or gazetteer.is_place(tuple(doc.lowers[start:end]), region):
        return 0
    maker = doc[end + 1]
    if not (maker.is_alpha and maker.text[:1].isupper() and _name_like(maker)):
        return 0
    return _run_end(doc, end + 1, gazetteer, region)


def _titled_the(doc: Words, start: int) -> bool:
    """A capitalised "The" mid-sentence opens the business's name: "from The Barber Lounge"."""
    return start > 0 and doc[start - 1].text == "The" and _english(doc) and not _opens_sentence(doc, start - 1)


def _trade_name_end(doc: Words, i: int) -> int:
    """Where a business named by its trade word and the capitalised words after it ends (0: none starts at i):
    "Padaria Pão Quente", "Farmácia São João", "Apotheke am Markt" in a Spanish, Portuguese, French or German line;
    "duka la Mama Njeri" in a Swahili one."""
    token = doc[i]
    if not (token.text[:1].isupper() and token.is_alpha):
        return 0
    language = _language(doc)
    if language == "sw":
        return _owner_shop_end(doc, i)
    if language not in ("es", "pt", "fr", "de"):
        return 0
    word = token.lower_
    if _bank_compound(doc, i):
        return i + 1
    if word not in _TRADE_HEADS and not (language == "de" and word.endswith(_GERMAN_TRADE_SUFFIXES)):
        return 0
    end = last = i + 1
    while end < len(doc):
        current = doc[end]
        if current.text[:1].isupper() and current.is_alpha and current.lower_ not in _NOT_NAME_OPENERS:
            if language == "de" and end == last and _common_word(current):
                break  # "die Apotheke Montag": a German noun after the trade word is no name
            end = last = end + 1
        elif current.lower_ in _TRADE_JOINERS and current.is_lower:
            end += 1
        else:
            break
    return last if last > i + 1 else 0


def _saint_place_end(doc: Words, i: int) -> int:
    """Where a town named after a saint ends in a Spanish, Portuguese, French or German line ("em São Gonçalo",
    "à Saint-Louis"; 0: none starts at i). "São" is also Portuguese's "are": it is read so only before a name."""
    if _language(doc) not in ("es", "pt", "fr", "de") or not doc[i].text[:1].isupper():
        return 0
    end = i + 1
    if end < len(doc) and doc[end].text == "-" and doc[end - 1].whitespace_ == "":
        end += 1
    if end >= len(doc) or not (doc[end].text[:1].isupper() and doc[end].is_alpha):
        return 0
    if doc[end].lower_ in _NOT_NAME_OPENERS or _cue(doc, i) == "person":
        return 0
    return end + 1


def _bank_compound(doc: Words, i: int) -> bool:
    """One capitalised word ending in "bank" that no town bears: "Volksbank", "Ecobank", "Postbank"."""
    word = doc[i].lower_
    if len(word) <= 6 or not word.endswith("bank") or word in _GERMAN_BENCHES:
        return False
    return not doc.user_data["names_gazetteer"].is_place((word,), doc.user_data["names_region"])


def _owner_shop_end(doc: Words, i: int) -> int:
    """Where a Swahili shop's owner's name, title included, ends after "duka la", "kibanda cha" (0: not there)."""
    if i < 2 or doc[i - 1].lower_ not in _SWAHILI_OF or doc[i - 2].lower_ not in _SWAHILI_SHOPS:
        return 0
    gazetteer, region = doc.user_data["names_gazetteer"], doc.user_data["names_region"]
    end = i
    while end < len(doc) and doc[end].text[:1].isupper() and doc[end].is_alpha and end - i < 3:
        if end > i + 1 and gazetteer.is_place((doc[end].lower_,), region):
            break  # "duka la Mama Otieno Kayole": the shop's estate follows its name
        end += 1
    return end if end > i + 1 or doc[i].lower_ not in _TITLES else 0


def _business_at_place(doc: Words, start: int, end: int, gazetteer: Gazetteer, region: str | None) -> int:
    """Where the place opens in an English run that names a business and then its listed place, as chats name a
    branch ("Ecobank Osu branch", "Deliverance Church Umoja"); 0 when the run is no such pair. The business ends
    in a business word, or is one word no list or dictionary knows before a town or a branch noun (a mall of
    the place list is a name of its own: "Robinsons Galleria")."""
    if end - start < 2 or not _english(doc) or not all(t.is_alpha or t.text == "&" for t in doc[start:end]):
        return 0
    words = lowered_words(doc)
    last, rest = words[end - 1], tuple(words[start : end - 1])
    if len(rest) > 1 and rest[-1] in _ORG_ENDINGS and _unknown_word(last, gazetteer):
        return end - 1  # "Corona Secondary School Agbara": after a business word, a word no list knows is its town
    if not gazetteer.is_place((last,), region) or gazetteer.is_place((*rest, last), region):
        return 0
    if gazetteer.is_place(rest, region):
        return 0
    if len(rest) > 1:
        return end - 1 if rest[-1] in _ORG_ENDINGS else 0
    word = rest[0]
    if word in ENGLISH_WORDS or word in CHAT_WORDS or word in gazetteer.people or word in _NOT_NAME_OPENERS:
        return 0
    town = any((last,) in gazetteer.towns.get(key, ()) for key in (WORLD, (region or "").upper()))
    branch = end < len(doc) and words[end] in _BRANCH_NOUNS
    return end - 1 if (town or branch) and last not in gazetteer.people else 0


def _unknown_word(word: str, gazetteer: Gazetteer) -> bool:
    """No dictionary, chat, name or kind word: "agbara"."""
    if word in ENGLISH_WORDS or word in CHAT_WORDS or word in gazetteer.people or word in _NOT_NAME_OPENERS:
        return False
    return (
        word not in _ADDRESSEES
        and word not in _KIND_ENDINGS
        and word not in _TRADE_ENDINGS
        and not gazetteer.organisations.spellings((word,))
    )


def _people_listed_together(
    doc: Words, found: list[Entity], unnamed: list[tuple[int, int]], gazetteer: Gazetteer
) -> list[Entity]:
    """Names joined by "and" or a comma to a person are people too: "Amaka and Chidi", "Neha, Rohit and Pooja"
    (a name opening a sentence, or one only the model labelled)."""
    if not any(entity.label == PERSON for entity in found):
        return sorted(found, key=lambda e: e.start)  # no person for another name to be listed with
    found = list(found)
    candidates = [(doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text), (a, b)) for a, b in unnamed]
    changed = True
    while changed:
        changed = False
        people = [e for e in found if e.label == PERSON]
        for n, entity in enumerate(found):
            if entity.label != PERSON and entity.source == "model" and _joined(doc, entity.start, entity.end, people):
                found[n] = Entity(PERSON, entity.text, entity.start, entity.end, entity.value, "rule")
                changed = True
        for candidate in list(candidates):
            start_char, end_char, (a, b) = candidate
            if _joined(doc, start_char, end_char, people) and _could_be_person(doc[a:b], gazetteer):
                found.append(_entity(doc, a, b, PERSON, "rule"))
                candidates.remove(candidate)
                changed = True
    return sorted(found, key=lambda e: e.start)


def _joined(doc: Words, start: int, end: int, people: list[Entity]) -> bool:
    """The span and one of the people stand next to each other with only "and", "&" or a comma between."""
    for person in people:
        between = doc.text[end : person.start] if person.start >= end else doc.text[person.end : start]
        joiner = between.strip().lower()
        if person.start != start and joiner in ("and", "&", "na"):
            return True
        # A comma lists people only in a list that "and" closes ("Neha, Rohit and Pooja"): in "Sawubona, Zanele
        # here" it follows a greeting
        if person.start != start and joiner == "," and re.search(r"\s(and|&|na)\s", doc.text[end:]):
            return True
    return False


def _could_be_person(span: list[Word], gazetteer: Gazetteer) -> bool:
    """Every word is a listed given or family name, or no everyday word: "Amaka", "Mark Jenkins"; not
    "Delivery", "Poor Service" or an acronym such as "KCB"."""
    words = [t for t in span if t.text not in ("'s", "’s")]
    if not words or len(words) > 3 or not all(t.is_alpha for t in words):
        return False
    for token in words:
        word = token.lower_
        if len(word) <= 3 and token.text.isupper():
            return False
        if _BRAND_CASE.match(token.text):
            return False  # "uBreakiFix", "eBay": a brand's capitals after a lower-case first letter
        if word not in gazetteer.people and (word in ENGLISH_WORDS or word in CHAT_WORDS):
            if word not in _FOREIGN_ONLY_WORDS:  # English lines only: "- Segun" ("según")
                return False
    return True


def _addressed(doc: Words, start: int, end: int) -> Entity | None:
    """A capitalised name of one or two words before a Hinglish form of address: "Sharma ji", "Sunil bhaiya"."""
    core = doc[start:end]
    if end >= len(doc) or doc[end].lower_ not in _ADDRESS_AFTER or len(core) > 2:
        return None
    if not all(t.is_alpha for t in core) or any(t.lower_ in _KIND_ENDINGS for t in core):
        return None
    after = doc[end].lower_
    if after in ("sir", "madam", "mam", "uncle", "aunty", "auntie", "di", "dada") and not _hinglish(doc):
        # English "Thanks Boss sir", Swahili "dada": only in Hinglish after a name; India's English writes
        # "Sunita aunty" too, after a name that is no English word
        elder = after in ("uncle", "aunty", "auntie") and _english(doc)
        if not elder or any(t.lower_ in ENGLISH_WORDS for t in core):
            return None
    return _entity(doc, start, end, PERSON, "rule")


def _addressed_lower_case(doc: Words, i: int) -> int:
    """The end of a name written in lower case that a form of address marks: "mohit bhaiya", "bwana hamisi",
    "rahul ne bola" (Hindi's ergative "ne"); i when there is none."""
    token = doc[i]
    word = token.lower_
    if not (token.is_alpha and token.is_lower and len(word) > 2) or word in _NOT_NAMES or word in ENGLISH_WORDS:
        return i
    if word in _ADDRESSEES:
        return i  # "Hey guys,": whom a greeting addresses is no name
    if word in _ADDRESS_AFTER or word in _LANGUAGE_TITLES["sw"] or word in _LANGUAGE_TITLES["hi"]:
        return i
    following = doc[i + 1].lower_ if i + 1 < len(doc) else ""
    before = _previous_word(token)
    if following in _ADDRESS_AFTER and following not in ("sir", "madam", "mam", "di", "dada"):
        return i + 1
    titles = _TITLES | _LANGUAGE_TITLES["sw"] | _LANGUAGE_TITLES["hi"]
    # "bhai rahul", "bwana hamisi"; a Hinglish word that follows names ("uncle", "bhai") only before a listed name.
    listed = word in _people_words(doc)
    if (
        before in titles
        and before not in _ADDRESSEES
        and (before not in _ADDRESS_AFTER or listed)
        and _hinglish_or_swahili(doc)
    ):
        return i + 1
    if following == "ne" and _hinglish(doc) and listed:
        return i + 1
    if listed and _english(doc) and (before in _TITLES or before in _ENGLISH_TITLES) and before not in _ADDRESSEES:
        return i + 1  # "to auntie wanjiku", "ask kuya jun": a listed given name after a form of address
    if (
        listed
        and i > 1
        and _language(doc) in ("es", "pt")
        and _told(_language(doc), before, [_previous_word(doc[i - 1])])
    ):
        return i + 1  # "dile a paco", "fala pro thiago": a listed name after a telling verb
    if _english(doc) and listed and _after_thanks(doc, i) and (following == "" or doc[i + 1].is_punct):
        return i + 1  # "thank you wambui", "thanks so much, njeri!": a listed name that ends the thanks
    if _english(doc) and word not in CHAT_WORDS and _named_kin(doc, i):
        return i + 1  # "can my daughter lwazi collect", "my driver elikem will call": listed or not
    if _english(doc) and listed and word not in CHAT_WORDS and _cue(doc, i) in ("for", "from") and _clause_ends(doc, i):
        return i + 1  # "this cake is for wambui, she ...", "take it from kunle and ...": whom it is for or from
    if _english(doc) and _cue(doc, i) == "person":
        # English "i'm kiprono", "her name is wangari", "tell kojo to bring it": a listed name, or after "I'm",
        # "this is" or "tell"/"ask" one no dictionary knows ("i'm folake and", "tell bola to").
        if listed or word not in CHAT_WORDS and _introduced(doc, i):
            return i + 1
    return i


# Words that end a business's name and are never what a person's name is put before in lower case: "otieno
# electronics", "okafor ventures ltd" (not "school", "kitchen", "cakes": "wanjiru school fees").
_LOWER_CASE_TRADE_ENDINGS = frozenset(
    "enterprises enterprise traders trading ventures ltd limited electronics hardware stores supermarket pharmacy "
    "chemist chemists motors logistics agencies investments holdings industries boutique".split()
)


def _lower_case_trade_end(doc: Words, i: int, gazetteer: Gazetteer) -> int:
    """The end of a business written in lower case on an English line, one or two listed names then a word of
    `_LOWER_CASE_TRADE_ENDINGS` ("otieno electronics", "ramesh kumar traders ltd"); i when there is none."""
    if not _lower_case_listed_name(doc[i], gazetteer) or not _english(doc):
        return i
    at = i
    while at < min(i + 2, len(doc)) and _lower_case_listed_name(doc[at], gazetteer):
        at += 1
    if at == i or at >= len(doc) or doc.lowers[at] not in _LOWER_CASE_TRADE_ENDINGS or not doc[at].is_lower:
        return i
    at += 1
    if at < len(doc) and doc.lowers[at] in ("ltd", "limited") and doc[at].is_lower:
        at += 1
    return at


def _lower_case_listed_name(token: Word, gazetteer: Gazetteer) -> bool:
    """A listed given name or surname in lower case that is no English or chat word: "otieno", "okafor"."""
    word = token.lower_
    return (
        token.is_alpha
        and token.is_lower
        and len(word) > 2
        and word in gazetteer.people
        and word not in ENGLISH_WORDS
        and word not in CHAT_WORDS
        and word not in _NOT_NAMES
    )


# Family, friends and staff a chat names after "my", "our" or "your" in lower case: "my daughter lwazi", "my mate
# kev", "our driver elikem".
_NAMED_KIN = _KIN | frozenset("mate bestie bff driver rider son daughter".split())


def _named_kin(doc: Words, i: int) -> bool:
    """The lower-case word at i follows "my"/"our"/"your" and a family, friend or staff word, and is no word of a
    dictionary or of any chat language: "my daughter lwazi", "my driver elikem" (not "my friend said")."""
    if i < 2 or doc.lowers[i - 1] not in _NAMED_KIN or doc.lowers[i - 2] not in ("my", "our", "your"):
        return False
    word = doc.lowers[i]
    if word in CHAT_WORDS or word in ENGLISH_WORDS or word in _ADDRESSEES:
        return False
    return word in _people_words(doc) or not _inflected(word)


def _inflected(word: str) -> bool:
    """An English word with a verb's or a plural's ending that the word lists hold only bare: "texted", "reckons"."""
    for ending in ("s", "es", "ed", "d", "ing"):
        stem = word.removesuffix(ending)
        if stem == word or len(stem) < 2:
            continue
        if stem in ENGLISH_WORDS:
            return True
        # "baked" of "bake", "shopping" of "shop"
        if ending in ("ed", "ing") and (
            stem + "e" in ENGLISH_WORDS or stem[-1] == stem[-2] and stem[:-1] in ENGLISH_WORDS
        ):
            return True
    return False


# What follows a name that ends its clause: "for wambui, she will", "from kunle and bring", "for amara who".
_AFTER_A_CLAUSE = frozenset("and she he who when will".split())


def _clause_ends(doc: Words, i: int) -> bool:
    """The word at i ends its clause: the message ends, punctuation or a new clause's first word follows."""
    following = doc[i + 1] if i + 1 < len(doc) else None
    return following is None or following.is_punct or following.lower_ in _AFTER_A_CLAUSE


def _lower_case_town_end(doc: Words, i: int, gazetteer: Gazetteer, region: str | None) -> int:
    """The end of a listed town written in lower case after "in", "at", "near", "from" or "how about" on an English
    line ("restaurants in chennai", "how about kochi?"), its last word no English or chat word; i when there is
    none."""
    before = _word_before(doc, i)
    if before is None or before.lower_ not in _TOWN_BEFORE or not _english(doc):
        return i
    if before.lower_ == "about" and _previous_word(before) not in ("how", "what"):
        return i
    length = gazetteer.place_length(doc.lowers, i, region)
    if not length or not all(doc[at].is_alpha and doc[at].is_lower for at in range(i, i + length)):
        return i
    last = doc.lowers[i + length - 1]
    if len(last) < 4 or last in ENGLISH_WORDS or last in CHAT_WORDS or last in _people_words(doc):
        return i
    return i + length


def _introduced(doc: Words, i: int) -> bool:
    """The lower-case word follows "I'm"/"this is"/"name is" and ends the clause, or "tell"/"ask" and comes
    before "to": the shapes in which chats introduce a person whose name no list holds."""
    before = _previous_word(doc[i])
    following = doc[i + 1] if i + 1 < len(doc) else None
    if before in ("tell", "ask"):
        return following is not None and following.lower_ == "to"
    if before == "please":
        return False  # "please revert", "please advise": a request's verb, not a name
    return following is None or following.is_punct or following.lower_ in ("and", "from", "here", "frm")


def _given_language(doc: Words) -> str | None:
    return doc.user_data.get("names_given_language")


def _english(doc: Words) -> bool:
    """The line is read as English: no other language given nor shown by its function words. The rules of
    English chats (regional titles, sign-offs, "thanks to", "the rider from") apply to these lines only."""
    return doc.user_data["names_english"]


def _hinglish(doc: Words) -> bool:
    return _given_language(doc) == "hi" or _language(doc) == "hi"


def _hinglish_or_swahili(doc: Words) -> bool:
    return _given_language(doc) in ("hi", "sw") or _language(doc) in ("hi", "sw")


def _known_at(doc: Words, i: int, gazetteer: Gazetteer) -> tuple[str, int] | None:
    """A listed product (with its model name) or organisation starting at token i, written as a name."""
    words = lowered_words(doc)
    brand = gazetteer.organisations.longest_match(words, i)
    if brand and _before_legal_form(doc[i + brand - 1]):
        brand = 0  # "Müller Haustechnik GmbH": the listed name opens a longer one
    if brand and not _written_as_listed(doc, i, i + brand, gazetteer.organisations):
        following = doc[i + brand] if i + brand < len(doc) else None
        lower_case_wallet = following is not None and following.lower_ in _SERVICE_WORDS and doc[i].is_lower
        named = lower_case_wallet or _lower_case_business(doc, i, i + brand)
        # "access bank", "india post": a listed name of several words that ends in its kind, even in lower case
        kind_named = _lower_case_kind_named(doc, i, i + brand)
        if not kind_named and (not (named and _english(doc)) or words[i] in ENGLISH_WORDS):
            brand = 0  # "airtel money" is the business even in lower case; "target money" is not Target
    if brand == 1 and _english(doc) and words[i] in _people_words(doc) and _cue(doc, i) in ("title", "person"):
        brand = 0  # "This is Jasmine from ...": a person whose name a business also bears
    if brand == 1 and _english(doc) and words[i] in _people_words(doc) and _after_given_name(doc, i):
        brand = 0  # "Marisol Vega": a surname a business also bears, after a given name
    if brand == 1 and _english(doc) and _after_given_name(doc, i) and doc[i].text[1:].islower():
        following = words[i + 1] if i + 1 < len(words) else ""
        if following not in _SERVICE_WORDS and not (following and doc[i + 1].text[:1].isupper()):
            brand = 0  # "Mark Jenkins": a one-word business name, written as a surname, after a given name
    if brand == 1 and _english(doc) and words[i] in _people_words(doc) and words[i + 1 : i + 2]:
        if words[i + 1] in _PEOPLE_VERBS and doc[i + 1].is_lower:
            brand = 0  # "Jasmine did my nails", "Jordan said...": what people do
    if brand == 1 and i > 0 and words[i - 1] == "our" and words[i + 1 : i + 2] and words[i + 1] in _BRANCH_NOUNS:
        brand = 0  # "ready at our Circle shop": a business names its own branch after the place
    if brand == 1 and words[i] in _LABELS:
        brand = 0  # "Rider: Jun", "Rider alikuwa na puncture": the business's staff, not the app of that name
    if brand == 1 and words[i] in _SWAHILI_SHOPS:
        brand = 0  # "grow your duka", "Hello Duka owners": the Swahili word for a shop, not the chain of that name
    if brand and i + brand < len(doc) and _names_a_place(doc[i + brand]):
        brand = 0  # "Elm Avenue", "Mercury Mall": a listed name opening a street's or a mall's
    line_at = i + brand
    line = gazetteer.products.longest_match(words, line_at)
    if line and _written_as_listed(doc, line_at, line_at + line, gazetteer.products):
        end = line_at + line
        while end < len(doc) and _is_model_name(doc[end]):
            end += 1
        distinctive = line > 1 or any(c.isupper() or c.isdigit() for c in doc[line_at].text[1:])
        if end > line_at + line or line_at > i or distinctive:
            return PRODUCT, end
    if brand:
        end = i + brand
        if end < len(doc) and doc[end].text in ("'s", "’s") and doc[end - 1].whitespace_ == "":
            end += 1
        # "DHL Express", "Equity Bank": a listed name with the word that says what kind of business it is
        while end < len(doc) and _extends_brand(doc, i, end):
            end += 1
        return ORG, end
    return None


# The last word of a bank's, a wallet's, a post's or an app's listed name, which says what it is even in lower case:
# "access bank", "apple pay", "virgin money", "india post".
_KIND_OF_SERVICE = frozenset("bank mail pay money post app".split())
# Words before a kind that make it any one of that kind: "an indian bank", "any bank", "which bank".
_ANY_ONE = frozenset("a an any another which what every some no each".split())


def _lower_case_kind_named(doc: Words, start: int, end: int) -> bool:
    """A listed name of two words or more written in lower case on an English line, its last word the kind of
    service it is ("access bank", "india post"), and no "a"/"any" before it ("an indian bank")."""
    if end - start < 2 or doc.lowers[end - 1] not in _KIND_OF_SERVICE or not _english(doc):
        return False
    if not all(doc[at].is_alpha and doc[at].is_lower for at in range(start, end)):
        return False
    return start == 0 or doc.lowers[start - 1] not in _ANY_ONE


@functools.cache
def word_brands() -> dict[str, frozenset[str]]:
    """Shop chains named by an English word ("Checkers", "Boots"), each with its markets (gazetteer/word_brands.tsv)."""
    brands = {}
    for line in _WORD_BRANDS_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, markets = line.partition("\t")
            brands[name] = frozenset(markets.split(","))
    return brands


def _word_brand_at(doc: Words, i: int, region: str | None) -> bool:
    """A chain of the message's market named by an English word, capitalised mid-sentence after "at" or "from" on
    an English line and followed by no other capitalised word: "I got it at Boots", "collected from Clicks"."""
    markets = word_brands().get(doc[i].text)
    if markets is None or region not in markets or i == 0 or not _english(doc):
        return False
    if doc[i - 1].text not in ("at", "from") or doc[i].lower_ in _KIND_ENDINGS:
        return False  # "at Supermarket", "at Garage": a Title Case line's kind of place, not the chain
    following = doc[i + 1] if i + 1 < len(doc) else None
    return following is None or not following.has_capital


def _names_a_place(token: Word) -> bool:
    """A capitalised street, building or area word ("Avenue", "Mall", "Road") that closes a place's name."""
    return token.text[:1].isupper() and token.is_alpha and token.lower_ in _PLACE_ENDINGS


def _given_name(doc: Words, i: int) -> bool:
    """A listed given name mid-sentence that is no business, place or English word: "Emeka" of "Oga Emeka of
    Emeka & Sons" is the man ("Carton of Indomie" opens the message)."""
    word = doc[i].lower_
    if word not in _people_words(doc) or word in _KIND_ENDINGS or word in ENGLISH_WORDS:
        return False
    return not _opens_sentence(doc, i)


def _after_given_name(doc: Words, i: int) -> bool:
    """The word before i is a capitalised listed given name: "Marisol" of "Marisol Vega"."""
    before = doc[i - 1] if i > 0 else None
    return before is not None and before.is_alpha and before.text[:1].isupper() and before.lower_ in _people_words(doc)


def _closing_surname(token: Word) -> bool:
    """A capitalised word after a listed given name with nothing but punctuation after it: the name's last word,
    whatever else it is ("Kojo Asante.")."""
    doc, i = token.doc, token.i
    after = doc[i + 1] if i + 1 < len(doc) else None
    closes = after is None or (after.is_punct and after.text not in ("'", "’"))
    return closes and i > 0 and token.text[1:].islower() and doc[i - 1].whitespace_ == " " and _after_given_name(doc, i)


def _extends_brand(doc: Words, start: int, at: int) -> bool:
    """The word at `at` says what kind of business the listed name before it is ("Equity Bank"), or names its
    wallet ("MTN MoMo", "Vodafone Cash"), written as the name is (capitalised, or lower case after lower case)."""
    word = doc[at]
    if word.lower_ not in _ORG_ENDINGS and not (word.lower_ in _SERVICE_WORDS and _english(doc)):
        return False
    return word.text[:1].isupper() or doc[start].is_lower and word.is_lower


def lowered_words(doc: Words) -> list[str]:
    """The message's lower-cased words (every token asks)."""
    return doc.lowers


def _written_as_listed(doc: Words, start: int, end: int, names) -> bool:
    """The words are written as the list spells the name, in capitals, or capitalised like a name."""
    written = doc.text_of(start, end)
    spellings = names.spellings(tuple(t.lower_ for t in doc[start:end]))
    if written in spellings or any(written == s.upper() for s in spellings):
        return True
    if written[:1].isupper():
        if all(s.isupper() for s in spellings) and written.lower() in _people_words(doc):
            return False  # "Ana" is a woman, "ANA" an airline
        return any(s[:1].isupper() for s in spellings)
    return any(s[:1].islower() for s in spellings) and any(c.isupper() for c in written)


def _lower_case_business(doc: Words, start: int, end: int) -> bool:
    """A listed business written in lower case where a chat names where it buys or pays: "via paypal", "my
    flipkart order", "the swiggy app"; its words no English, chat or given-name word and no town."""
    if not all(doc[at].is_alpha and doc[at].is_lower and len(doc[at]) > 3 for at in range(start, end)):
        return False
    following = doc.lowers[end] if end < len(doc) else ""
    if _previous_word(doc[start]) not in _LOWER_CASE_BUSINESS_BEFORE and following not in _LOWER_CASE_BUSINESS_AFTER:
        return False
    words = doc.lowers[start:end]
    if any(w in ENGLISH_WORDS or w in CHAT_WORDS or w in _people_words(doc) for w in words):
        return False
    gazetteer = doc.user_data.get("names_gazetteer")
    return gazetteer is None or not gazetteer.place_length(doc.lowers, start, doc.user_data.get("names_region"))


def _people_words(doc: Words) -> frozenset[str]:
    gazetteer = doc.user_data.get("names_gazetteer")
    return gazetteer.people if gazetteer is not None else frozenset()


# Units a device's storage is written in after its number ("64 GB"), and with them a battery's ("5000 mAh"): no model
# number is followed by one.
STORAGE_UNITS = frozenset("gb tb mb".split())
_SIZE_UNITS = STORAGE_UNITS | {"mah"}


def _is_model_name(token: Word) -> bool:
    """A model name or number after a product line; "128" of "128GB" is a size, not the model."""
    text = token.text
    if token.lower_ in _MODEL_WORDS:
        return True
    follows = token.nbor(1) if token.i + 1 < len(token.doc) else None
    if follows is not None and token.whitespace_ == "" and follows.is_alpha:
        return False
    if follows is not None and text.isdigit() and follows.lower_ in _SIZE_UNITS:
        return False  # "Redmi Note 13 64 GB": the storage written apart
    return len(text) <= 5 and text.isalnum() and any(c.isdigit() for c in text) and not text.startswith("0")


def _name_like(token: Word) -> bool:
    text = token.text
    # Most words have no capital letter, and no rule below makes one without a name: they are turned away first.
    if not (token.has_capital and text[:1].isalpha()) or CODE.fullmatch(text):
        return False
    if text[1:2] in ("'", "’") and text[2:3].islower():
        return False  # French "L'agence", "D'accord": an elided article before a lower-case word
    if _english(token.doc):
        if text == "I":
            return False  # the writer, even after a family word: "a neighbour I don't know"
        if token.lower_ in _ENGLISH_TITLES and _closes_a_name(token):
            return True  # "Easy Coach", "Prophet Brother": a title word after a name is the name's last word
        if token.lower_ in _ENGLISH_TITLES or token.lower_ in _ENGLISH_ADDRESSEES or token.lower_ in _WISHED:
            return False
        if token.lower_ in _KIN and _previous_word(token) in _POSSESSIVES:
            return False  # "My Cousin is doing a research": the writer's kin, capitalised, who may have a name after
        if _after_title(token):
            return True
        if token.lower_ in _OPENING_VERBS and _opens_sentence(token.doc, token.i):
            return False  # "Tell Atieno I want...", "Ask Deepak to share": the name follows the verb
        if token.lower_ in _LABELS and token.i + 1 < len(token.doc) and token.nbor(1).text == ":":
            return False  # "Rider: Jun", "Contact: 0712...": a business's note labels what follows
        if (
            token.lower_ in _FOREIGN_ONLY_WORDS
            and token.lower_ not in _NOT_NAME_OPENERS
            and _previous_word(token) in _BEFORE_A_NAME
            and token.is_alpha
        ):
            return True  # "Tell Segun", "- Segun": a Spanish word ("según") is a name there in English
        if token.lower_ in _GREETINGS and _closing_surname(token):
            return True  # "from Kojo Asante": a surname that is Swahili's thanks, after a given name
    if token.lower_ in _GERMAN_NOT_NAMES and _language(token.doc) == "de":
        return False
    if token.lower_ in _NOT_NAMES and not _opens_a_name(token) and not (text[:1].isupper() and _after_kin(token)):
        if not (text[:1].isupper() and _after_label(token)):
            return False  # "meine Tochter Lena": after a family word, a name that is a chat word elsewhere
    if text.upper() in CURRENCY_CODES and text.isupper():
        return False
    if token.lower_ in _HOLIDAYS and _previous_word(token) in _WISHES:
        return False  # "Feliz Natal" is Christmas, not the city
    if token.lower_ in _WISHES and token.i + 1 < len(token.doc) and token.nbor(1).lower_ in _HOLIDAYS:
        return False  # nor is "Semana Santa" a place
    if len(text) == 1 and _previous_word(token) in _SIZE_WORDS:
        return False  # "Größe L", "talla M"
    if _UNIT_CODE.fullmatch(text.rstrip(".")) and token.i > 0 and token.nbor(-1).is_lower:
        if token.nbor(-1).lower_ in _UNIT_WORDS:
            return False  # "apartment block C.", "flat B", "shop B12": the letter or number of a unit
    return not _common_word(token)


@functools.cache
def common_nouns() -> dict[str, frozenset[str]]:
    """The everyday words of German, Spanish, French and Portuguese (gazetteer/common_nouns.txt), by language."""
    words: dict[str, set[str]] = {}
    for line in _COMMON_NOUNS_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            language, _, word = line.partition("\t")
            words.setdefault(language, set()).add(word)
    return {language: frozenset(found) for language, found in words.items()}


@functools.cache
def word_names() -> frozenset[str]:
    """Given names that are also everyday words ("joy", "blessing", "grace"), lower-cased (gazetteer/word_names.txt)."""
    lines = _WORD_NAMES_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.lower() for line in lines if line and not line.startswith("#"))


def _reading_language(doc: Words, language: str | None) -> str | None:
    """The language whose common words and cues apply: the one given, or, when none is known, the one the
    line's function words show (None: English or another language, read as before)."""
    lowered = lowered_words(doc)
    counts = {code: sum(map(words.__contains__, lowered)) for code, words in _FUNCTION_WORDS.items()}
    if language in _CONFIRMING_WORDS:
        own = sum(map(_CONFIRMING_WORDS[language].__contains__, lowered))
        return language if own >= max(counts["en"], 1) or not any(counts.values()) else None
    if language:
        # The detector reads some Swahili and some English naming "São Paulo" as German or Portuguese: its
        # language counts where the line's function words do not speak against it.
        agreed = counts.get(language, 0) >= max(counts["en"], 1) or not any(counts.values())
        return language if language in _LANGUAGE_TITLES and agreed else None
    best = max(counts, key=lambda code: counts[code])
    return best if best != "en" and counts[best] >= 2 and counts[best] > counts["en"] else None


def _english_by_its_words(doc: Words, language: str) -> bool:
    """A line the detector gives to Swahili or Hindi holds none of that language's own words and at least two English
    function words ("deliver to Kikuubo, ask for Ssemakula"): the names the detector read as Swahili are all it saw."""
    lowered = lowered_words(doc)
    own = _CONFIRMING_WORDS.get(language)
    return (
        own is not None
        and not any(map(own.__contains__, lowered))
        and (sum(map(_FUNCTION_WORDS["en"].__contains__, lowered)) >= 2)
    )


def _language(doc: Words) -> str | None:
    return doc.user_data.get("names_language")


def _common_word(token: Word) -> bool:
    """A capitalised everyday word of the message's language that nothing around it makes a name."""
    doc, language = token.doc, _language(token.doc)
    if language is None:
        return False
    word = token.lower_
    if word in _LANGUAGE_TITLES[language]:
        return True
    if not token.text[1:].islower():
        return False  # "BBVA", "iPhone": written as no common word is
    nouns = common_nouns().get(language, frozenset())
    if word not in nouns and not (language == "de" and _compound_noun(token, nouns)):
        return False
    following = token.nbor(1) if token.i + 1 < len(doc) else None
    if following is not None and following.text[:1].isupper():
        if word in _ORG_HEADS or word in _PLACE_HEADS or _before_legal_form(token):
            return False  # "Bäckerei Kamps", "Calle Mayor", "Mode Fischer GmbH"
    if word.endswith(_STREET_SUFFIXES):
        return False
    before = _previous_word(token)
    if _after_head(token):
        return False  # "Padaria Santa Rita", "Zona Norte", "Panadería La Victoria"
    if before in _TITLES or before in _LANGUAGE_TITLES[language] or before in _GREETINGS:
        return False  # "Herr Fischer", "Hallo Rose"
    if language != "de" and _paid_by(doc, token.i):
        return False  # "o pagamento pela Caixa": how one paid is a business (German capitalises "mit Karte")
    if language != "de" and _cued_pair(token):
        return False  # "pelo Mercado Livre", "no Mercado Livre": mid-sentence, Romance languages capitalise names
    gazetteer = doc.user_data.get("names_gazetteer")
    if gazetteer is None:
        return True
    if language != "de" and word in gazetteer.people:
        return False  # mid-sentence "Pilar", "Gloria": Romance languages do not capitalise their nouns
    return not (before in _place_cues(language) and gazetteer.is_place((word,), doc.user_data.get("names_region")))


def _compound_noun(token: Word, nouns: frozenset[str]) -> bool:
    """A German compound the dictionary lacks, ending in a noun it has ("Käsesahne", "Parkhaus"), and no listed
    person or place ("Hoffmann", "Kreuzberg") nor a word after a place preposition."""
    word = token.lower_
    if len(word) < 8 or not any(word[cut:] in nouns for cut in range(3, len(word) - 3)):
        return False
    gazetteer = token.doc.user_data.get("names_gazetteer")
    if gazetteer is not None and (word in gazetteer.people or gazetteer.is_place((word,), None)):
        return False
    return _previous_word(token) not in _place_cues("de")


def _opens_a_name(token: Word) -> bool:
    """A capitalised business word that is also an everyday word, before a capitalised name, in a language
    whose businesses are named that way: "Oficina do Tião", "Chez Adjoua"."""
    doc = token.doc
    if _language(doc) not in ("es", "fr", "pt") or token.lower_ not in _ORG_HEADS or not token.text[:1].isupper():
        return False
    at = token.i + 1
    if at < len(doc) and doc[at].lower_ in _CONNECTORS:
        at += 1
    return at < len(doc) and doc[at].text[:1].isupper() and doc[at].is_alpha


def _after_head(token: Word) -> bool:
    """The word follows a capitalised business or street word, directly, through "la", "do", "de", or through
    another capitalised word of the name ("Padaria Pão Quente")."""
    doc, at = token.doc, token.i - 1
    if at > 0 and doc[at].lower_ in _CONNECTORS:
        at -= 1
    if at > 0 and doc[at].is_alpha and doc[at].text[:1].isupper() and doc[at].lower_ not in _ORG_HEADS | _PLACE_HEADS:
        at -= 1
    head = doc[at] if at >= 0 else None
    return head is not None and head.text[:1].isupper() and (head.lower_ in _ORG_HEADS or head.lower_ in _PLACE_HEADS)


def _after_title(token: Word) -> bool:
    """A capitalised word right after a title is the name it addresses, even one that is a chat word, a
    greeting or a month elsewhere: "Mr Asante", "Auntie Ama", "Kuya Jun"."""
    doc, word = token.doc, token.lower_
    if token.i == 0 or not (token.is_alpha and token.text[:1].isupper()):
        return False
    before = doc[token.i - 1].lower_
    if word in _TITLES or word in _ENGLISH_TITLES or word in _ADDRESSEES or word in _ENGLISH_ADDRESSEES:
        return False
    if word in _GREETINGS and before not in _FORMAL_TITLES:
        return False  # "Bro Thanks!" thanks; "Mr Asante" is a man
    return before in _TITLES or before in _ENGLISH_TITLES


def _in_law(doc: Words, i: int) -> bool:
    """The words before i are a kin word "-in-law", which the tokenizer splits: "my brother-in-law Harjit"."""
    words = [t.lower_ for t in doc[max(0, i - 5) : i] if t.text != "-"]
    return len(words) >= 3 and words[-2:] == ["in", "law"] and words[-3] in _KIN | _IN_LAWS


def _closes_a_name(token: Word) -> bool:
    """The word follows a capitalised word that is no title or greeting, with no name after it: "Easy Coach"
    (a bus company), not "Hi Coach Mike"."""
    doc, i = token.doc, token.i
    if i == 0 or token.whitespace_ and i + 1 < len(doc) and capitalised(doc[i + 1].text):
        return False
    before = doc[i - 1]
    return before.is_alpha and before.text[:1].isupper() and before.lower_ not in _NOT_NAME_OPENERS


def _after_label(token: Word) -> bool:
    """A capitalised word after a label of a person and a colon, as a business's notes write: "Rider: Jun"."""
    doc, i = token.doc, token.i
    return i > 1 and doc[i - 1].text == ":" and doc[i - 2].lower_ in _LABELS and _english(doc)


def _after_kin(token: Word) -> bool:
    """A capitalised word after a family or friend word names them: "my cousin Esi", "meine Tochter Lena"."""
    if token.i == 0 or not (token.is_alpha and token.text[:1].isupper()):
        return False
    if _previous_word(token) not in _KIN and not _in_law(token.doc, token.i):
        return False
    word = token.lower_
    return word not in _NOT_NAME_OPENERS and word not in _ADDRESSEES and not _common_word(token)


# Built once: the prepositions before a Romance name of two capitalised words, per language.
_PAIR_CUES = {
    language: _PLACE_CUES | _LANGUAGE_PLACE_CUES[language] | _LANGUAGE_ORG_CUES[language] | _MEANS
    for language in ("es", "pt", "fr")
}


def _cued_pair(token: Word) -> bool:
    """The token is one of two capitalised everyday words after a place or business preposition: "pelo Mercado
    Livre" ("de Marseille Saint-Charles" is a town, then a name of its own)."""
    doc, language = token.doc, _language(token.doc)
    cues = _PAIR_CUES.get(language or "", _MEANS)

    def capitalised(at: int) -> bool:
        return 0 <= at < len(doc) and doc[at].is_alpha and doc[at].text[:1].isupper()

    i = token.i
    if capitalised(i + 1) and i > 0 and doc[i - 1].lower_ in cues:
        return True
    everyday = common_nouns().get(language or "", frozenset())
    return capitalised(i - 1) and i > 1 and doc[i - 2].lower_ in cues and doc[i - 1].lower_ in everyday


def _paid_by(doc: Words, i: int) -> bool:
    """In Spanish, Portuguese, French or German, the name at i is what a payment goes from or through: "la
    transferencia desde BBVA", "cartão da Caixa", "pagado con Bizum"."""
    if _language(doc) not in ("es", "pt", "fr", "de") or i == 0:
        return False
    return doc[i - 1].lower_ in _MEANS and _paid_around(doc, i)


def _paid_around(doc: Words, i: int) -> bool:
    """A payment word within a few words of token i: "pagado con Bizum", "mit Klarna bezahlt"."""
    words = lowered_words(doc)
    return any(word in _PAYMENT_WORDS for word in words[max(0, i - 6) : i + 4])


def _paid_to(doc: Words, i: int, gazetteer: Gazetteer) -> bool:
    """The name at i is whom a payment goes to: "to" before it, a payment word near it and a listed wallet or bank
    before it ("Sent it on Zelle to Tyler")."""
    if i == 0 or doc[i - 1].lower_ != "to" or not _paid_around(doc, i):
        return False
    words = lowered_words(doc)
    return any(gazetteer.organisations.longest_match(words, at) for at in range(max(0, i - 8), i - 1))


def _previous_word(token: Word) -> str:
    before = _word_before(token.doc, token.i)
    return before.lower_ if before is not None else ""


def _word_before(doc: Words, at: int) -> Word | None:
    """The last word before `at` that is no space, read backwards (a slice would copy every word before it)."""
    for back in range(at - 1, -1, -1):
        if not doc[back].is_space:
            return doc[back]
    return None


def _before_legal_form(token: Word) -> bool:
    """The capitalised words from this one run into a company's legal form or "Bank": "Mode Fischer GmbH",
    "Erste Bank"."""
    for ahead in token.doc[token.i + 1 : token.i + 4]:
        if ahead.lower_.rstrip(".") in _LEGAL_FORMS_AND_BANK:
            return True
        if not ahead.text[:1].isupper():
            return False
    return False


def _place_cues(language: str | None) -> frozenset[str]:
    return _PLACE_CUES | _LANGUAGE_PLACE_CUES.get(language, frozenset())


def _run_end(doc: Words, i: int, gazetteer: Gazetteer, region: str | None = None) -> int:
    """The end of the run of name words starting at i (i itself when token i is not one)."""
    listed = _listed_place_end(doc, i, gazetteer, region)
    if not listed and not _name_like(doc[i]) and not _names_a_kind(doc, i) and not _surname_particle(doc, i):
        return i
    if not listed and _everyday_word_before_brand(doc, i, gazetteer):
        return i
    end = max(i + 1, listed)
    while end < len(doc) and not _stopped(doc[end - 1]):
        token = doc[end]
        attached = doc[end - 1].whitespace_ == ""
        if token.lower_ in _BRANCH_NOUNS and token.text.isupper() and len(token.text) > 3:
            break  # "AT OUR WESTLANDS BRANCH": a line in capitals writes the branch noun so too
        if _name_like(token) and _known_at(doc, end, gazetteer) is None:
            end += 1
        elif (
            token.text == "-" and attached and token.whitespace_ == "" and end + 1 < len(doc) and doc[end + 1].is_alpha
        ):
            end += 2
        elif (
            token.lower_ in _CONNECTORS
            and end + 1 < len(doc)
            and _name_like(doc[end + 1])
            and doc[end + 1].lower_ not in _ORG_HEADS  # "Rafael da Padaria Pão Quente": a person, then a shop
            and not (len(doc[end - 1].text) > 6 and doc[end - 1].lower_.endswith("bank"))  # "Ecobank de Yopougon"
            and not (token.lower_ == "of" and _english(doc) and end - i == 1 and _given_name(doc, i))
        ):
            end += 2
        elif token.lower_ == "the" and _english(doc) and _kind_after_the(doc, end + 1, gazetteer):
            end = _kind_after_the(doc, end + 1, gazetteer)
            break  # "Christ the King Church", "Mary the Queen Parish": the name ends in its kind word
        elif token.lower_ in _INNER_PARTICLES and _surname_particle(doc, end - 1, inside=end - 1 > i):
            end += 2  # "Van der Merwe"
        elif token.lower_ in _PARTICLES and _surname_particle(doc, end, inside=True):
            end += 1  # "Jerome Dela Cruz": the particle opens the surname after a given name
        elif token.text in ("'s", "’s") and attached:
            after = end + 1
            while after < len(doc) and _english(doc) and _business_word(doc[after]):
                after += 1
            # "Naledi's Salon", "Auntie Mercy's Chop Bar": the business named after its owner; "from Haldiram's!"
            # a shop so named; but in "Ananya's birthday" the name owns the word after it
            owns = after < len(doc) and doc[after].is_alpha and doc[after].is_lower
            owns = owns and doc[after].lower_ not in _NOT_OWNED  # "Sainsbury's in Clapham" is the shop's name
            return end if after == end + 1 and owns else after
        elif token.lower_ in _ORG_ENDINGS and token.text[:1].isupper() and _ends_a_business(doc, end):
            # A capitalised shop word that is also a chat word or a listed name ends the name: "Halo Pesa",
            # "Correos Express". Not where nouns are capitalised ("nach Wien Hotel"), except "Erste Bank".
            end += 1
            break
        else:
            break
    if end < len(doc):
        token = doc[end]
        if token.lower_.rstrip(".") in _PLACE_ENDINGS and token.is_lower and token.lower_ not in _LANDMARKS_AT:
            end += 1  # "Langata road"
        if end < len(doc) and _trailing_number(doc, end):
            end += 1  # "Githurai 45", "Lekki Phase 1", "Spark 20"
    return end


def _everyday_word_before_brand(doc: Words, i: int, gazetteer: Gazetteer) -> bool:
    """An everyday English word capitalised only because it opens the sentence, before a listed business or product
    or a name written as brands are (in capitals, "iPhone"): "New M-PESA balance is", "New iPhone 15 in stock". Not a
    listed name's first word ("New Balance"), nor before a capitalised word ("Green Valley Hotel")."""
    word = doc[i]
    if not (_english(doc) and word.lower_ in ENGLISH_WORDS and word.text[1:].islower() and _opens_sentence(doc, i)):
        return False
    if i + 1 >= len(doc) or _known_at(doc, i, gazetteer) is not None or word.lower_ in gazetteer.people:
        return False
    following, at = doc[i + 1].text, i + 1
    while doc[at].whitespace_ == "" and at + 1 < len(doc):  # "M-PESA", which the tokenizer splits at its hyphen
        at += 1
        following += doc[at].text
    following = following.rstrip(".,!?:;")
    brand_written = (following.isupper() and len(following) > 1) or _BRAND_CASE.match(following) is not None
    return brand_written or _known_at(doc, i + 1, gazetteer) is not None


def _stopped(token: Word) -> bool:
    """A name with digits or "&" that the tokenizer left with the sentence's full stop: "G4S." of "with G4S.
    Waybill", "J&T." of "shipped via J&T."."""
    text = token.text
    if len(text) <= 2 or not text.endswith(".") or "." in text[:-1]:
        return False
    return any(map(str.isdigit, text)) or "&" in text  # "via J&T." too


def _kind_after_the(doc: Words, at: int, gazetteer: Gazetteer) -> int:
    """Where one to three capitalised words from `at` end in a capitalised business or place word (0: they do
    not): the rest of a name that holds "the"."""
    for end in range(at, min(at + 3, len(doc))):
        token = doc[end]
        if not (token.is_alpha and token.text[:1].isupper()) or token.lower_ in _NOT_NAME_OPENERS:
            return 0
        if end > at and token.lower_ in _KIND_ENDINGS:
            return end + 1
        if _known_at(doc, end, gazetteer) is not None:
            return 0
    return 0


def _ends_a_business(doc: Words, at: int) -> bool:
    """A capitalised business word ends the name before it: in any language but German, and there only "Bank"
    after a word that is no article ("Erste Bank", not "Die Bank")."""
    if _language(doc) in (None, "sw", "hi", "es", "pt", "fr"):
        return True
    return doc[at].lower_ == "bank" and doc[at - 1].lower_ not in _GERMAN_DETERMINERS


def _business_word(token: Word) -> bool:
    """A capitalised word after an owner's "'s" that goes on naming the business, not a greeting or title."""
    return token.is_alpha and token.text[:1].isupper() and token.lower_ not in _NOT_NAME_OPENERS


def _surname_particle(doc: Words, i: int, inside: bool = False) -> bool:
    """A capitalised particle that opens an English message's surname: "Dela Cruz", "Du Plessis", "Van der
    Merwe" (in Spanish, French or German lines these are articles and prepositions); after a given name
    (`inside`), Dutch and German "van" and "von" are written in lower case too: "Pieter van der Merwe"."""
    if not _english(doc) or doc[i].lower_ not in _PARTICLES:
        return False
    if not doc[i].text[:1].isupper() and not (inside and doc[i].lower_ in ("van", "von")):
        return False
    at = i + 1
    if at < len(doc) and doc[at].lower_ in _INNER_PARTICLES and doc[at].is_lower:
        at += 1
    return at < len(doc) and doc[at].text[:1].isupper() and doc[at].is_alpha and _name_like(doc[at])


def _listed_place_end(doc: Words, i: int, gazetteer: Gazetteer, region: str | None) -> int:
    """Where a listed place of several words, capitalised, starting at i ends (0: none). A listed name beats
    the chat words inside it: "Dar es Salaam" holds the Spanish "dar"."""
    if not doc[i].text[:1].isupper():
        return 0
    if doc[i].lower_ in _WISHES and i + 1 < len(doc) and doc[i + 1].lower_ in _HOLIDAYS:
        return 0  # "Feliz Natal" is a town in Mato Grosso, and a wish everywhere
    size = gazetteer.place_length(lowered_words(doc), i, region)
    return i + size if size > 1 else 0


def _names_a_kind(doc: Words, i: int) -> bool:
    """A capitalised chat word before the capitalised word that says what a place or business is belongs to its
    name: "Moi Avenue" (French "moi"), "Hope Street"."""
    token = doc[i]
    following = doc[i + 1] if i + 1 < len(doc) else None
    if not (
        token.is_alpha
        and token.text[:1].isupper()
        and following is not None
        and following.text[:1].isupper()
        and following.lower_ in _KIND_ENDINGS
    ):
        return False
    if token.lower_ not in _NOT_NAME_OPENERS:
        return True
    # A greeting word names a business after "from", "at" or "via": "from Asante Motors" ("Hello Salon" greets).
    return token.lower_ in _GREETINGS and _english(doc) and _previous_word(token) in _BUSINESS_BEFORE


def _trailing_number(doc: Words, at: int) -> bool:
    """A short number that belongs to the name before it, not the start of a phone number or a quantity."""
    text = doc[at].text
    if not (text.isdigit() and len(text) <= 3 and not text.startswith("0")):
        return False
    if doc[at - 1].lower_ in _NUMBERED_PLACES and doc[at - 1].text[:1].isupper():
        return True  # "Donholm Phase 8 instead of...": the number is the phase's, whatever follows it
    following = doc[at + 1] if at + 1 < len(doc) else None
    if following is not None and following.lower_ in _PLACE_AFTER.get(_language(doc), ()):
        return True  # "Sector 18 mein": Hindi's "in" after the place's number
    return following is None or not (following.like_num or following.is_alpha and following.is_lower)


def _with_leading_number(doc: Words, start: int, end: int) -> int:
    """Include a house number or ordinal before a road: "55 Water St", "1st Avenue"."""
    if start > 0 and doc[end - 1].lower_.rstrip(".") in _PLACE_ENDINGS:
        before = doc[start - 1].text
        if start > 1 and doc[start - 2].lower_ in _UNIT_WORDS:
            return start  # "unit 4 Morningside Manor": the number is the unit's
        if re.fullmatch(r"\d{1,5}|\d+(st|nd|rd|th)", before):
            return start - 1
    return start


def _classify(
    doc: Words, start: int, end: int, region: str | None, gazetteer: Gazetteer, model: Sequence[Entity]
) -> Entity | None:
    span = doc[start:end]
    core = [t for t in span if not t.is_digit and t.text not in ("'s", "’s")]
    if not core:
        return None
    last = core[-1].lower_.rstrip(".")
    key = tuple(t.lower_ for t in core)
    first = core[0].lower_
    if len(core) > 1 and first in _ORG_HEADS and not gazetteer.is_place(key, region):
        return _entity(doc, start, end, ORG, "rule")
    if len(core) > 1 and first in _PLACE_HEADS:
        return _entity(doc, start, end, FACILITY, "rule")
    language = _language(doc)
    if len(core) > 1 and first in _SAINTS and language in ("es", "fr", "pt", "de") and _cue(doc, start) != "person":
        return _entity(doc, start, end, TOWN, "rule")  # "em São Gonçalo": a saint's name is a town's
    if len(core) == 1 and _bank_compound(doc, core[0].i):
        return _entity(doc, start, end, ORG, "rule")  # "at Ecobank", "Rosebank" stays a place
    if _language(doc) in ("es", "fr", "pt") and start > 0 and doc[start - 1].lower_ in _STREET_HEADS:
        return _entity(doc, start - 1, end, FACILITY, "rule")  # "rue Victor Hugo", "avenida Paulista"
    if len(core) == 1 and last.endswith(_STREET_SUFFIXES) and len(last) > 7:
        return _entity(doc, start, end, FACILITY, "rule")
    english = _english(doc)
    if (last in _ORG_ENDINGS or english and last in _TRADE_ENDINGS) and len(core) > 1 or english and _owned(span, end):
        start = _with_leading_titles(doc, start)
        return _entity(doc, start, end, ORG, "rule")
    next_word = doc[end].lower_ if end < len(doc) else ""
    if english and next_word in _SERVED and _previous_word(doc[start]) == "dear" and not _is_person(core, gazetteer):
        return _entity(doc, start, end, ORG, "rule")  # "Dear OPay user", "Dear Jumia customer": whose customers
    if english and last in _SERVED and _previous_word(doc[start]) == "dear":
        return None  # "Dear Valued Customer": the reader, unnamed
    if last == "house" and len(core) > 1 and next_word in _ORG_AFTER.get(language, ()):
        return _entity(doc, start, end, ORG, "rule")  # "Kapoor Tent House wale": the firm, not the building
    if last in _PLACE_ENDINGS and (len(core) > 1 or start < core[0].i):
        return _entity(doc, start, end, FACILITY, "rule")
    if last in _NUMBERED_PLACES and span[-1].is_digit:
        return _entity(doc, start, end, FACILITY, "rule")
    if english and next_word in _BRANCH_NOUNS and len(core) > 1 and _previous_word(doc[start]) in ("our", "your"):
        # "our Constant Spring branch", "your Victoria Island office": a business names its branches after their
        # place, even one whose words a list of people also holds
        return _entity(doc, start, end, TOWN, "rule")
    if english and next_word in _BRANCH_NOUNS and _branch_of(doc, start, end + 1):
        if not _is_person(core, gazetteer) and not gazetteer.is_place(key, region):
            return _entity(doc, start, end, ORG, "rule")  # "the Easy Coach office at Railways": whose office
    if english and doc.lowers[end : end + 2] in _FUEL_STATIONS and not _is_person(core, gazetteer):
        if not gazetteer.is_place(key, region):
            return _entity(doc, start, end, ORG, "rule")  # "the Kenol petrol station": whose fuel it sells
    if (next_word in _BRANCH_NOUNS or english and next_word in _LANDMARKS_AT) and not _is_person(core, gazetteer):
        return _entity(doc, start, end, TOWN, "rule")  # "our Westlands shop", "for Jibowu park"
    if (
        (english or language in ("hi", "sw"))
        and next_word in _ACCOUNT_NOUNS
        and not _is_person(core, gazetteer)
        and not gazetteer.is_place(key, region)
    ):
        return _entity(doc, start, end, ORG, "rule")  # "to Opay account", "EFT to FNB acc": who holds the money
    if (
        english
        and next_word in _SHIPPED_NOUNS
        and not _is_person(core, gazetteer)
        and not gazetteer.is_place(key, region)
        and not _everyday_words(core, gazetteer)
    ):
        return _entity(doc, start, end, ORG, "rule")  # "the Jollibee staff", "Jumia delivery man"
    if _staff_of(doc, start, end, language) and not _is_person(core, gazetteer):
        if not gazetteer.is_place(key, region):
            return _entity(doc, start, end, ORG, "rule")  # "Bluedart ka courier boy", "Msee wa Bolt"

    if all(t.lower_ in _ADDRESSEES or english and t.lower_ in _ENGLISH_ADDRESSEES for t in core):
        return None
    if len(core) == 1 and first in _DEITIES:
        return None
    if english and _greets_a_group(doc, start, end, gazetteer) and not gazetteer.is_place(key, region):
        return None  # "Good morning Duka Owners", "Hi Kilimani parents": the group greeted, no one by name
    if english and _greets_a_desk(doc, start, end, gazetteer):
        return None  # "Dear Customer Care", "Hello Customer Service": a desk greeted, no one by name
    if english and len(core) > 1 and "team" in (first, last) and core[0].text[:1].isupper():
        return _entity(doc, start, end, ORG, "rule")  # "Regards, Team Kilele": a business signs as its team
    if english and len(core) == 1 and _bids(doc, start, end):
        return None  # "Mark my order as urgent", "Bill me later": a verb opening a request, not Mark
    if english and _claims_delivery(doc, end) and not _is_person(core, gazetteer):
        if not gazetteer.is_place(key, region):
            # "UPS says delivered", "Delhivery marked it delivered"; a title may open it: "Mr Price sent the..."
            return _entity(doc, _with_leading_titles(doc, start), end, ORG, "rule")
    if english and _opening_hours(doc, start, end) and not _is_person(core, gazetteer):
        if not gazetteer.is_place(key, region) and not _everyday_words(core, gazetteer):
            return _entity(doc, start, end, ORG, "rule")  # "Is Jollibee open until midnight?": a shop's hours
    if english and _branch_of(doc, start, end) and not _is_person(core, gazetteer):
        if not gazetteer.is_place(key, region) and not _everyday_words(core, gazetteer):
            return _entity(doc, start, end, ORG, "rule")  # "near the Shoprite in Bellville"
    cue = _cue(doc, start)
    if cue is None and end < len(doc) and doc[end].lower_ in _PLACE_AFTER.get(_language(doc), ()):
        cue = "place"
    elif cue is None and end < len(doc) and doc[end].lower_ in _ORG_AFTER.get(_language(doc), ()):
        # "Karol Bagh wali branch": the one of a place where a branch is named after it
        cue = None if end + 1 < len(doc) and doc[end + 1].lower_ in _BRANCH_NOUNS else "org"
    elif cue is None and end < len(doc) and doc[end].lower_ in _PERSON_AFTER.get(_language(doc), ()):
        cue = "person"
    elif (
        cue in (None, "from")
        and english
        and [t.lower_ for t in doc[end : end + 2]] in (["and", "family"], ["&", "family"])
    ):
        cue = "person"  # "Merry Christmas from Bong and family"
    elif cue is None and start > 0 and doc[start - 1].lower_ in _WITH and _paid_around(doc, start):
        cue = "org"  # "mit Klarna bezahlt"
    if cue == "title" and english and _titled_business(doc, start):
        return _entity(doc, start - 1, end, ORG, "rule")  # "My Mr Delivery order": a business named with a title
    if cue == "title" and english and start > 1 and doc[start - 2].lower_ == "at" and _cue(doc, start - 1) == "org":
        return _entity(doc, start - 1, end, ORG, "rule")  # "thanks for shopping at Mr Price": where one shops
    if cue == "title" and english and len(core) > 1 and _business_side(doc) and _cue(doc, start - 1) == "org":
        # "your order from Auntie Muni Waakye has left our Osu kitchen": the business writing, named with a title
        return _entity(doc, start - 1, end, ORG, "rule")
    if cue == "title":
        return _entity(doc, start, _without_number(doc, start, end), PERSON, "rule")
    if english and _celebrated(doc, end) and _could_be_person(span, gazetteer):
        return _entity(doc, start, end, PERSON, "rule")  # "the hall for Ananya's birthday"
    if cue == "person" and english and _everyday_words(core, gazetteer):
        opener = _title_case_opener(doc, start)
        if opener == "please" or opener is not None and not _word_names(core):
            # "Please Sort This Out", "Welcome Back", "Thank You Very Much": a request, a welcome or thanks written in
            # Title Case; after thanks or a welcome a given name that is also a word stays one ("Thank you Grace")
            return None
    is_place = (
        gazetteer.is_place(key, region)
        or (len(key) > 1 and gazetteer.is_place(key[:1], region) and (key[-1] in _DIRECTIONS or len(key) == 2))
        or (len(key) > 1 and key[-1] in _DIRECTIONS and cue == "place")
    )
    is_person = _is_person(core, gazetteer) and not span[-1].is_digit
    if not is_person and _paid_by(doc, start):
        return _entity(doc, start, end, ORG, "rule")  # a bank named after its town: "desde Santander"
    if is_person and is_place and english and _paid_to(doc, start, gazetteer):
        return _entity(doc, start, end, PERSON, "rule")  # "Sent it on Venmo to Tyler": money goes to people
    if is_person and (not is_place or cue in ("person", "for")):
        return _entity(doc, start, end, PERSON, "rule")
    if is_person and is_place and cue is None and english and len(core) == 1 and _acts(doc, start, end):
        return _entity(doc, start, end, PERSON, "rule")  # "can Thulani install", "is Marcus working": a town does not
    if is_place and (not is_person or cue in ("place", "from")):
        return _entity(doc, start, end, TOWN, "rule")
    if cue == "from" and english and next_word == "here" and not is_person:
        return _entity(doc, start, end, ORG, "rule")  # "Jack from Pret here": the writer's business
    if cue == "person":
        return _entity(doc, start, _without_number(doc, start, end), PERSON, "rule")
    if cue == "place":
        return _entity(doc, start, end, TOWN, "rule")
    if cue == "org":
        return _entity(doc, start, end, ORG, "rule")
    if english and _signs_off(doc, start, end) and not is_person and not _could_be_person(span, gazetteer):
        if _business_side(doc) or any(_BRAND_CASE.match(t.text) for t in core):
            return _entity(doc, start, end, ORG, "rule")  # "... left our Yaba store. - Phone Place Kenya"
    if english and _second_sign_off(doc, start, end) and not is_person:
        return _entity(doc, start, end, ORG, "rule")  # "- Femi, Pointek": the writer, then the business
    if english and _first_sign_off(doc, start, end) and _could_be_person(span, gazetteer):
        return _entity(doc, start, end, PERSON, "rule")
    if _signs_off(doc, start, end) and _could_be_person(span, gazetteer):
        return _entity(doc, start, end, PERSON, "rule")
    if (
        english
        and (is_person or not is_place)
        and _called_by_name(doc, start, end)
        and _could_be_person(span, gazetteer)
    ):
        return _entity(doc, start, end, PERSON, "rule")  # "Reminder: Efua, your fitting is on Saturday"
    # "Keisha did an amazing job", "can Lerato bring"; "Joy here", "Blessing, abeg send", "and Deepak from"
    if english and not is_place and (_acts(doc, start, end) or _named_plainly(doc, start, end, gazetteer)):
        if _could_be_person(span, gazetteer) or _word_names(core):
            return _entity(doc, start, end, PERSON, "rule")
    if _opens_sentence(doc, start) or _after_opening_article(doc, start):
        return None
    if english and _previous_word(doc[start]) in _EMPHASIS and _everyday_words(core, gazetteer):
        return None  # "the Packaging was Nice", "Very Poor Service": capitalised for emphasis
    start_char, end_char = doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)
    guess = next((m for m in model if m.start < end_char and start_char < m.end), None)
    if guess is None or guess.label not in _MODEL_LABELS:
        return None
    if guess.label == PERSON and english and _everyday_words(core, gazetteer):
        return None  # the model's "Delivery", "Packaging": people's names that are words are found by their cues
    if english and _jargon_initials(doc, start, core) and (guess.label == ORG or _previous_word(doc[start]) != "the"):
        return None  # "check your DM", "the OTP": a chat's or a payment's initials, no business ("the UK" a place)
    if guess.label == PERSON and len(core) == 1 and core[0].text.isupper() and len(core[0].text) <= 4:
        return None  # "woh KPI system", "letter heads, TC, forms": an abbreviation the model takes for a person
    if guess.label == PERSON and english and _previous_word(doc[start]) in _LANDMARK_BEFORE:
        return _entity(doc, start, end, ORG, "rule")  # "opposite Quickmart": an address's landmark is no person
    if guess.label == PERSON and _language(doc) == "de":
        return None  # a capitalised German word is a noun first: a person needs a list, a title or a cue
    return _entity(doc, start, end, _MODEL_LABELS[guess.label], "model")


def _greets_a_group(doc: Words, start: int, end: int, gazetteer: Gazetteer) -> bool:
    """A greeting opens the run, and the run of two words or more ends on the plural of an English noun, or one
    follows it: whom "Hello Shop Owners" or "Hi Duka owners" greets is a group ("Hi Miles", "Hi Sarah Woods": one
    word, or a listed given name first, stays a person)."""
    if _previous_word(doc[start]) not in _GREETINGS:
        return False
    if end - start > 1 and _plural_noun(doc[end - 1]) and doc[start].lower_ not in gazetteer.people:
        return True
    return end < len(doc) and doc[end].is_lower and _plural_noun(doc[end])


def _greets_a_desk(doc: Words, start: int, end: int, gazetteer: Gazetteer) -> bool:
    """A greeting opens a run of two words or more, each an everyday English word that no list holds as a name:
    "Dear Customer Care" greets a desk ("Hi Rose Mary", a given name that is also a word, stays a person)."""
    core = doc[start:end]
    if end - start < 2 or _previous_word(doc[start]) not in _GREETINGS:
        return False
    return _everyday_words(core, gazetteer) and not any(t.lower_ in word_names() for t in core)


def _plural_noun(token: Word) -> bool:
    """An English plural of an English noun: "owners", "Parents", "churches"."""
    word = token.lower_
    if not token.is_alpha or len(word) < 4 or not word.endswith("s") or word.endswith("ss"):
        return False
    return word[:-1] in ENGLISH_WORDS or word.endswith("es") and word[:-2] in ENGLISH_WORDS


def _bids(doc: Words, start: int, end: int) -> bool:
    """The one word opens a sentence, is an English word and is followed by "my", "me", "it" or another object
    of a verb: the request's verb ("Mark my order"), not a name."""
    if doc[start].lower_ not in ENGLISH_WORDS or not _opens_sentence(doc, start):
        return False
    return end < len(doc) and doc[end].lower_ in _OBJECTS


def _staff_of(doc: Words, start: int, end: int, language: str | None) -> bool:
    """The name is whose staff a Hinglish "X ka courier" or a Swahili "msee wa X" speaks of."""
    if language == "hi":
        after = lowered_words(doc)[end : end + 2]
        return len(after) == 2 and after[0] in ("ka", "ki", "ke") and after[1] in _STAFF_NOUNS
    if language == "sw":
        return start > 1 and doc[start - 1].lower_ == "wa" and doc[start - 2].lower_ in _SWAHILI_STAFF
    return False


def _acts(doc: Words, start: int, end: int) -> bool:
    """The name does what people do: "Keisha did", "Tobi said", or is asked to in a question ("can Lerato bring",
    "could Abena do")."""
    following = doc[end] if end < len(doc) else None
    if following is None or not following.is_alpha or not following.is_lower:
        return False
    if following.lower_ in _PEOPLE_VERBS:
        return True
    if following.lower_ == "will" and _word_names(doc[start:end]) and doc.lowers[end + 1 : end + 2] != ["be"]:
        return True  # "Joy will bring the money": a listed given name that is an everyday word, then its deed
    if start > 0 and doc[start - 1].lower_ in _ASKING_STATES and _opens_question(doc, start - 1):
        return following.lower_.endswith("ing")  # "Is Hope working today?", "Hey is Marcus working tonight?"
    return start > 0 and doc[start - 1].lower_ in _ASKING_MODALS and following.lower_ not in _NOT_VERBS


def _opens_question(doc: Words, at: int) -> bool:
    """The word at `at` opens a sentence, or follows a greeting that opens it: "Is ...", "Hey is ..."."""
    if _opens_sentence(doc, at):
        return True
    before = _word_before(doc, at)
    return before is not None and before.lower_ in _GREETINGS and _opens_sentence(doc, before.i)


def _claims_delivery(doc: Words, end: int) -> bool:
    """The name says or marks a parcel delivered, as a courier's tracking does ("UPS says delivered", "Royal Mail
    say it was delivered", "Delhivery marked it delivered"), or does to an order what couriers and shops do."""
    words = lowered_words(doc)
    if end < len(doc) and words[end] in _CLAIMING:
        after = words[end + 1 : end + 7]
        # "UPS says delivered", "Amazon shows out of stock" ("Efua said my order..." is what people say too);
        # "Aramex says the parcel is at the depot": what tracking shows of a parcel
        tracked = after[:1] in (["the"], ["my"], ["your"]) and after[1:2] and after[1] in _PARCELS - {"order"}
        return "delivered" in after or after[:3] == ["out", "of", "stock"] or bool(tracked)
    at = end
    while at < min(len(words), end + 3) and words[at] in _DEED_AUXILIARIES:
        at += 1
    # "Evri have lost my parcel", "Flipkart delivered a damaged...": what a courier or a shop does to an order
    if at >= len(words) or words[at] not in _COURIER_DEEDS:
        return False
    return bool(set(words[at + 1 : at + 5]) & (_PARCELS | _FAULTY))


def _opening_hours(doc: Words, start: int, end: int) -> bool:
    """A question whether the name is open or closed: "Is Jollibee open until midnight?", "Are Checkers closed"."""
    if start == 0 or end >= len(doc) or doc.lowers[end] not in ("open", "opened", "closed"):
        return False
    return doc.lowers[start - 1] in ("is", "are", "was") and _opens_sentence(doc, start - 1)


def _branch_of(doc: Words, start: int, end: int) -> bool:
    """ "the" before the name, then "in" or "at" and a capitalised word: "the Shoprite in Bellville"."""
    if start == 0 or doc[start - 1].lower_ != "the" or end + 1 >= len(doc):
        return False
    return doc[end].lower_ in _BRANCH_PREPOSITIONS and doc[end + 1].text[:1].isupper() and doc[end + 1].is_alpha


def _celebrated(doc: Words, end: int) -> bool:
    """The name is followed by "'s" and an occasion of a person's life: "Ananya's birthday"."""
    return end + 1 < len(doc) and doc[end].text in ("'s", "’s") and doc[end + 1].lower_ in _OCCASIONS


def _word_names(core: list[Word]) -> bool:
    """One or two capitalised words, each a listed given name that is also an everyday word: "Joy", "Grace"."""
    return len(core) <= 2 and all(t.text[:1].isupper() and t.lower_ in word_names() for t in core)


def _named_plainly(doc: Words, start: int, end: int, gazetteer: Gazetteer) -> bool:
    """An English line names its writer or its reader in so many words: "Joy here," or "Howzit, Thabo here."
    (the name opening a clause before "here" and a stop), a message opening on a name and a comma ("Blessing,
    abeg send..."; a listed one), a name mid-sentence before "from" ("Deepak from customer care"), or one before
    "and I" ("Grace and I need...")."""
    following = doc[end] if end < len(doc) else None
    if following is None:
        return False
    before = _previous_word(doc[start])
    if following.lower_ == "here":
        after = doc[end + 1] if end + 1 < len(doc) else None
        # "Zanele here from Mamelodi": the writer says where she writes from
        ends = after is None or after.is_punct or after.lower_ == "from"
        return ends and (before in ("", ",") or _opens_sentence(doc, start))
    if following.text == "," and before == "" and any(t.is_alpha for t in doc[end + 1 :]):
        # only a listed name: a greeting no list knows opens lines that way too ("Sawubona, ...")
        return all(t.lower_ in word_names() or t.lower_ in gazetteer.people for t in doc[start:end])
    if following.lower_ == "and" and doc.lowers[end + 1 : end + 2] in (["i"], ["me"]):
        return True  # "Grace and I need...": one of two people, the writer the other
    return following.lower_ == "from" and before in ("and", "but", "said", "that")


def _owned(span: list[Word], end: int) -> bool:
    """A name, its "'s" and more capitalised words: a business named after its owner ("Rico's Lechon")."""
    marks = [t.i for t in span if t.text in ("'s", "’s")]
    return bool(marks) and marks[-1] < end - 1


def _business_side(doc: Words) -> bool:
    """The message is written by a business to its customer, as confirmations, dispatch notes, reminders and
    receipts are: "your order ...", "our Yaba store", "Thank you for shopping with", "Payment received"."""
    side = doc.user_data.get("names_business_side")
    if side is None:
        words = doc.lowers
        side = words[:1] == ["reminder"] or any(
            (word == "your" and words[n + 1 : n + 2] and words[n + 1] in _YOUR_DEALINGS)
            or (word == "our" and set(words[n + 1 : n + 4]) & _OUR_PREMISES)
            or (word == "for" and words[n + 1 : n + 2] in (["shopping"], ["choosing"]))
            or (word == "received" and words[n - 1 : n] in (["payment"], ["we've"], ["have"]))
            for n, word in enumerate(words)
        )
        doc.user_data["names_business_side"] = side
    return side


def _first_sign_off(doc: Words, start: int, end: int) -> bool:
    """After a dash, the name before a comma and one more name that closes the message: "Femi" of "- Femi,
    Pointek"."""
    before = _word_before(doc, start)
    if before is None or before.text not in ("-", "–", "—", "~") or end + 1 >= len(doc) or doc[end].text != ",":
        return False
    rest = [t for t in doc[end + 1 :] if t.is_alpha or t.is_digit]
    return 0 < len(rest) <= 3 and all(t.text[:1].isupper() for t in rest)


def _second_sign_off(doc: Words, start: int, end: int) -> bool:
    """The name closes the message after a comma and a signed name after a dash: "Pointek" of "- Femi,
    Pointek"."""
    if any(t.is_alpha or t.is_digit for t in doc[end:]) or start < 3 or doc[start - 1].text != ",":
        return False
    at = start - 2
    while at > 0 and doc[at].is_alpha and doc[at].text[:1].isupper() and start - 2 - at < 3:
        at -= 1
    return at < start - 2 and doc[at].text in ("-", "–", "—", "~")


def _called_by_name(doc: Words, start: int, end: int) -> bool:
    """A name that opens a sentence or follows a colon, then a comma and "your" or "you": the reader a business
    writes to ("Reminder: Marcus Johnson, your appointment...", "Efua, you're booked")."""
    if end + 1 >= len(doc) or doc[end].text != "," or doc.lowers[end + 1] not in _TO_THE_READER:
        return False
    return _opens_sentence(doc, start)


def _titled_business(doc: Words, start: int) -> bool:
    """A formal title after "my", "the", "your" or "our" opens a business's name, not a person's: "My Mr Delivery
    order", "the Mr Price in Sandton"."""
    if start < 2 or not doc[start - 1].text[:1].isupper() or doc[start - 1].lower_ not in _FORMAL_TITLES:
        return False
    return doc[start - 2].lower_ in ("my", "the", "your", "our")


def _signs_off(doc: Words, start: int, end: int) -> bool:
    """The name closes the message after a dash or a full stop, as a sign-off does: "- Segun", ". Mark Jenkins"
    (in English, Swahili or Hinglish; other languages' capitalised nouns close messages too)."""
    if not _english(doc) or any(t.is_alpha or t.is_digit for t in doc[end:]):
        return False
    before = _word_before(doc, start)
    if before is None:
        return False
    return before.text in ("-", "–", "—", "~", ".", "!") or "\n" in before.whitespace_


def _everyday_words(core: list[Word], gazetteer: Gazetteer) -> bool:
    """Every word of the run is an everyday English word that is no listed name, and none is written in
    capitals like an acronym: "Nice", "Poor Service"."""
    return all(
        (t.lower_ in ENGLISH_WORDS or t.lower_ in _ADDRESSEES)
        and t.lower_ not in gazetteer.people
        and not t.text.isupper()
        for t in core
    )


def _jargon_initials(doc: Words, start: int, core: list[Word]) -> bool:
    """One word of two to four capitals after "your", "my" or "the": a chat's or a payment's initials ("your DM",
    "the OTP", "the TID"); a business so written is found by its list or its cues ("at KCB", "the KCB branch")."""
    word = core[0].text
    return (
        len(core) == 1
        and word.isalpha()
        and word.isupper()
        and 2 <= len(word) <= 4
        and _previous_word(doc[start]) in _OWNED_BEFORE
    )


def _is_person(core: list[Word], gazetteer: Gazetteer) -> bool:
    return len(core) <= 3 and core[0].lower_ in gazetteer.people and all(t.is_alpha for t in core)


def _after_thanks(doc: Words, start: int) -> bool:
    """The words before token `start`, a comma aside, end on thanks: "thank you", "thanks so much,"."""
    words = tuple(t.lower_ for t in doc[max(0, start - 4) : start] if not t.is_space and t.lower_ != ",")
    return words[-2:] in _THANKS_ENDINGS or words[-3:] in _THANKS_ENDINGS


def _title_case_opener(doc: Words, start: int) -> str | None:
    """ "please", "welcome" or "thanks" where the words before the run open a request, a welcome or thanks that a
    chat may write in Title Case; None otherwise."""
    before = _previous_word(doc[start])
    if before in ("please", "welcome"):
        return before
    return "thanks" if _after_thanks(doc, start) else None


def _cue(doc: Words, start: int) -> str | None:
    """What the words before a name say it is: "title", "person", "place", "org", "from" or None."""
    before = [t for t in doc[max(0, start - 3) : start] if not t.is_space]
    if not before:
        return None
    previous = before[-1].lower_
    language = _language(doc)
    english = _english(doc)
    if previous in _TITLES or (language is not None and previous in _LANGUAGE_TITLES[language]):
        return "title"
    if english and previous in _ENGLISH_TITLES:
        return "title"
    if english and previous == "." and len(before) > 1 and before[-1].whitespace_:
        if before[-2].lower_ + "." in _TITLES | _ENGLISH_TITLES:
            return "title"  # the tokenizer splits the full stop off titles it does not know: "Engr. Bello"
    if english and previous in _POLITE_ADDRESS and len(before) > 1 and before[-2].lower_ in _GREETINGS:
        return "person"  # "Hi Ma'am Joy", "Good day Sir Ramon": a greeting, a polite word, the name
    if previous == "," and len(before) > 1:
        previous, before = before[-2].lower_, before[:-1]
    earlier = [t.lower_ for t in before[:-1]]
    if previous in _GREETINGS or previous in ("call", "ask", "tell", "regards", "please", "naitwa"):
        return "person"
    if english and doc[start].text[:1].isupper() and _after_thanks(doc, start):
        return "person"  # "Thank you Grace", "thank you so much, Rose" (a capital: "thank you hope you enjoy it")
    if (
        previous in ("is", "ni", "na", "'s", "'m", "am", ":")
        and earlier
        and (earlier[-1] in _PERSON_NOUNS or earlier[-1] in ("this", "it", "i"))
    ):
        return "person"
    if previous in _PERSON_NOUNS or english and previous in _WISHED | {"greet"}:
        return "person"
    if english and previous == "to" and earlier and earlier[-1] in _TO_A_PERSON:
        return "person"  # "thanks to Lerato", "big up to Omosh", "spoke to Becky"
    if english and previous == "to" and _given_to(earlier):
        return "person"  # "send the slip to Efua", "pass it to Sipho" (a listed place stays a place)
    if english and previous == "to" and _handed_on(doc, start):
        return "person"  # "send it to wanjiku", "hand over the parcel to ramesh", "give the box to Gift"
    if english and _paid_person(doc, start, previous):
        return "person"  # "pay Mona $60", "transfer $100 to Akela": money is paid to people
    if previous in _KIN or english and _in_law(doc, start):
        return "person"  # "my cousin Esi", "mi primo Beto", "my sister-in-law Ngozi"
    if previous in ("soy", "sou") or previous in ("o", "a") and earlier[-2:] == ["aqui", "é"]:
        return "person"  # "soy Carmen", "aqui é o Rafael"
    if _told(language, previous, earlier):
        return "person"  # "dile a Paco", "pede pro Zé", "frag mal Tobi"
    if previous in ("de", "do", "da", "von") and earlier and earlier[-1] in ("nombre", "nome", "namen", "nom"):
        return "person"  # "a nombre de Guadalupe Hernández", "no nome de Larissa"
    if previous in _WITH and _paid_around(doc, start):
        return "org"  # "pagado con Bizum", "paguei com Nubank"
    if previous == "from":
        if earlier and (earlier[-1] in _BUYING or english and earlier[-1] in _FROM_A_BUSINESS | _PARCELS):
            return "org"  # "ordered from ...", "the rider from Sendy", "your parcel from Konga"
        if english and "received" in doc.lowers[:start] and _business_side(doc):
            return "person"  # a receipt: "Payment received via GCash from MARICEL DELA CRUZ"
        if english and _bought_before(doc, start - 1):
            return "org"  # "buy 3 packs of noodles from Puregold": where the things bought come from
        return "from"
    clause = doc.lowers[max(0, start - 8) : start]
    if english and previous == "at" and "your" in clause and set(clause) & _BOOKED_THINGS:
        return "org"  # "your booking at Casa Leticia", "your fitting at Afua's Designs": a business's own note
    if previous in _place_cues(language):
        # "compré en Garbarino", "comprei na Magazine Luiza", "bought one at Costco": where one buys is a business
        if language is not None and earlier and earlier[-1] in _BUYING:
            return "org"
        if english and previous == "at" and set(earlier) & (_BUYING | _SHOPPING | _PAID_AT):
            return "org"  # "bought one at Costco", "Paid at Shoprite", "found it at Walmart" (listed places stay)
        if english and previous == "at" and _seen_for_sale(doc, start):
            return "org"  # "I saw it at Melcom", "Saw it cheaper at Currys": where goods are seen is a shop
        return "place"
    if english and previous == "on" and set(earlier) & _ONLINE_WORDS:
        return "org"
    if english and previous == "on" and earlier and earlier[-1] in _BRANCH_NOUNS | _UNIT_WORDS | _LOCATED:
        return "place"  # "the shop on Deansgate", "the unit on Deansgate", "we're located on Allen Avenue"
    if english and previous == "sa":
        return "place"  # Taglish "for pickup sa Cubao", "deliver sa Marikina"
    if previous in _TAGALOG_PERSONAL and doc.user_data.get("names_region") == "PH":
        return "person"  # Taglish "pakisabi kay Rowena", "sa GCash ni Marites": Tagalog marks a person's name so
    if english and previous in ("accept", "accepts", "accepting"):
        return "org"  # "Do you accept SnapScan?": what a shop accepts is a way to pay
    if english and previous in ("choosing", "chose", "visiting") and earlier[-1:] in (["for"], ["you"]):
        return "org"  # "Thank you for choosing Zuri", "for visiting Chai Point": a business thanks its customer
    if english and previous == "with" and set(earlier) & _MEETING_WORDS and not set(earlier) & _PAYING_WORDS:
        return "person"  # "an appointment with Tyler"; "paid with Opay" stays a business
    if english and previous == "with" and _booked_before(doc, start):
        return "person"
    if english and previous == "under" and earlier and earlier[-1] in _HELD_UNDER:
        return "person"  # "Order under Hafiz", "the booking is under Sarah": whose name it was taken in
    if english and previous == "name" and earlier[-2:] == ["under", "the"]:
        return "person"  # "a table under the name Ochieng"
    if previous in _ORG_CUES or previous in _LANGUAGE_ORG_CUES.get(language, ()):
        return "org"
    if english and previous == "for" and earlier and earlier[-1] in ("ask", "asking", "call"):
        return "person"  # "ask for Femi" at the gate
    if english and previous == "for":
        return "for"  # "save two for Marcus": a listed person before a town of that name
    return None


def _bought_before(doc: Words, at: int) -> bool:
    """A verb of buying opens the clause that ends at `at`, at most eight words before it: "buy 3 packs of
    pancit canton from"."""
    for token in reversed(doc[max(0, at - 8) : at]):
        if token.is_punct:
            return False
        if token.lower_ in ("buy", "bought", "order", "ordered", "purchase", "purchased"):
            return True
    return False


def _seen_for_sale(doc: Words, start: int) -> bool:
    """The few words before the "at" before `start` say a thing was seen there: "saw it", "seen them cheaper"."""
    said = set(lowered_words(doc)[max(0, start - 5) : start - 1])
    return bool(said & _SEEING) and bool(said & _THINGS)


def _booked_before(doc: Words, start: int) -> bool:
    """A booking word and no payment word earlier in the message: what is booked "with" someone is their time."""
    said = set(lowered_words(doc)[:start])
    return bool(said & _BOOKED) and not said & _PAYING_WORDS


def _paid_person(doc: Words, start: int, previous: str) -> bool:
    """A name that is no English word is whom money goes: after "pay", or after "to" in a clause that transfers money
    or sends an amount ("transfer money to sara", "send $50 to Akela"; "send the parcel to Karen" is a place's). A
    listed given name, or one no list of places holds (a listed business was read before this)."""
    word = doc.lowers[start]
    if word in ENGLISH_WORDS or word in CHAT_WORDS:
        return False
    gazetteer = doc.user_data.get("names_gazetteer")
    if word not in _people_words(doc) and (
        gazetteer is None or gazetteer.is_place((word,), doc.user_data.get("names_region"))
    ):
        return False
    if previous in ("pay", "paying"):
        return True
    if previous != "to":
        return False
    clause = []
    for token in reversed(doc[max(0, start - 9) : start - 1]):
        if token.is_punct and not token.is_currency:
            break
        clause.append(token)
    words = {token.lower_ for token in clause}
    if words & _TRANSFERRING:
        return True
    amount = words & _MONEY_WORDS or any(token.like_num or token.is_currency for token in clause)
    return bool(words & _SENDING and amount)


def _given_to(earlier: list[str]) -> bool:
    """The words before "to" send a paper or hand a thing over: "the slip to", "pass it to"."""
    if set(earlier) & _PAPERS:
        return True
    return len(earlier) > 1 and earlier[-1] in ("it", "them", "this", "that") and earlier[-2] in _GIVING


def _handed_on(doc: Words, start: int) -> bool:
    """A thing is sent, given, passed or handed over, then "to" and the word at `start`, which no list of places
    holds and that is a listed given name or no everyday word: "send it to wanjiku", "pls pass the order to jomar".
    At most five words name the thing, none a stop or a number."""
    gazetteer = doc.user_data.get("names_gazetteer")
    word, region = doc.lowers[start], doc.user_data.get("names_region")
    if gazetteer is None or gazetteer.is_place((word,), region):
        return False
    if (word in ENGLISH_WORDS or word in CHAT_WORDS) and word not in gazetteer.people and word not in word_names():
        return False  # "send the invoice to Accounts": a desk, not a person
    if doc.lowers[start + 1 : start + 2] == [","] and gazetteer.place_length(doc.lowers, start + 2, region):
        return False  # "send the suit to Gulberg, Lahore": an area, then its town
    for back in range(start - 2, max(-1, start - 8), -1):
        token = doc[back]
        if token.is_punct or token.like_num or token.is_currency:
            return False  # "send 500 to X" is money, read by _paid_person
        if token.lower_ in _HANDING_ON:
            # something sent: "send to X" alone names a place as often; one gives or passes a thing to a person
            return back < start - 2 or token.lower_ in _GIVING
    return False


def _told(language: str | None, previous: str, earlier: list[str]) -> bool:
    """A telling or asking verb introduces the person after it: "dile a Paco", "pregúntale a Javi", "fala pro
    Thiago", "frag mal Tobi"."""
    telling = _TELLING.get(language or "", frozenset())
    if language == "es" and previous == "a" and earlier:
        verb = earlier[-1]
        attached = verb.endswith(("le", "les")) and len(verb) > 4 and verb.isalpha()
        return verb in telling or attached and verb not in common_nouns().get("es", frozenset())
    if language == "pt" and previous in ("pro", "pra", "para", "ao", "a", "o") and earlier:
        return earlier[-1] in telling
    if language == "de":
        return previous in telling or previous in _GERMAN_FILLERS and any(word in telling for word in earlier)
    return False


def _after_opening_article(doc: Words, start: int) -> bool:
    """Spanish, French or Portuguese "La Camiseta llegó", "de la Tarta": an article before a word no list or cue
    names is a thing's, not a name's (people and businesses are found by their lists and cues first)."""
    articles = _OPENING_ARTICLES.get(_language(doc))
    return bool(articles) and start > 0 and doc[start - 1].lower_ in articles


def _opens_sentence(doc: Words, start: int) -> bool:
    for at in range(start - 1, -1, -1):  # backwards by index: a slice would copy every word before `start`
        token = doc[at]
        if token.is_space:
            if "\n" in token.text:
                return True
            continue
        if token.text in (".", "!", "?", "…", ":", "-", "*") or "\n" in token.whitespace_ or _stopped(token):
            return True
        return not any(c.isalnum() for c in token.text) and _opens_sentence(doc, token.i)
    return True


def _with_leading_titles(doc: Words, start: int) -> int:
    """Take in a capitalised title word that is part of a business name: "MAMA MBOGA BAKERY"."""
    titles = _TITLES | _LANGUAGE_TITLES["sw"] | _LANGUAGE_TITLES["hi"]  # "Shree Ganesh Bhandar"
    if _english(doc):
        titles = titles | _ENGLISH_TITLES  # "Tita Lulu's Kitchen", "Aling Nena's Store"
    while start > 0 and doc[start - 1].lower_ in titles and doc[start - 1].text[:1].isupper():
        start -= 1
    return start


def _without_number(doc: Words, start: int, end: int) -> int:
    while end > start + 1 and doc[end - 1].is_digit:
        end -= 1
    return end


_SEPARATORS = frozenset("/\\|")


def _entity(doc: Words, start: int, end: int, label: str, source: str) -> Entity:
    first, last = doc[start], doc[end - 1]
    end_char = last.idx + len(last.text)
    abbreviated = last.text.endswith(".") and len(last.text) > 1 and "." not in last.text[:-1]
    if abbreviated and (last.lower_.rstrip(".") in _KIND_ENDINGS or _stopped(last)):
        end_char -= 1  # "Kodhek Rd." ends at the abbreviation, not the full stop; "S.L." keeps its own
    # The tokenizer leaves a slash or a bar on the word before it ("Tunde/ Sir", "Ada|"): no name ends in one.
    while end_char > first.idx + 1 and doc.text[end_char - 1] in _SEPARATORS:
        end_char -= 1
    text = doc.text[first.idx : end_char]
    return Entity(label, text, first.idx, end_char, " ".join(text.split()), source)  # type: ignore[arg-type]
