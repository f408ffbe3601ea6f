"""Everyday words of business chats in East and West Africa and India: English, Swahili, Sheng, Hinglish,
Nigerian Pidgin, and a little Portuguese, Spanish and French.

They are never a name, a place or the thing a quantity counts, whatever their capitalisation: the model
reads a capitalised "Niko" (I am at), "Lipa" (pay) or "Hai" (is) as a person or a place, and "5 kg lene"
(to take) is not five kilos of "lene".
"""

from __future__ import annotations

from spacy.lang.en.stop_words import STOP_WORDS as _ENGLISH

_SWAHILI_AND_SHENG = """
na ya za wa kwa la cha vya vitu hii hiyo hizi hizo ile ule yule huyu hapa hapo huko kule pale iko ziko yuko
niko tuko uko mko wako ni si tu pia pekee kila bado sasa leo kesho jana juzi asubuhi mchana jioni usiku saa
nataka naomba nipe niletee nitumie tuma lipa nimelipa nimetuma nimekutumia tumetuma tutaleta ameleta umeleta
mliniletea nitakuja tutakuja anakuja amefika nimefika tumefika imefika imetumwa nimeona nimeweka tunaeza
mnaeza naeza unaweza inawezekana sawa poa freshi safi asante asanteni karibu pole sorry sana kidogo kubwa
ndogo ngapi gani wapi lini nini nani vipi mambo niaje sasa habari jambo hujambo boss bro msee maze buda
badala iliyobaki kuna hakuna ndio hapana sitaki nimeorder order yangu yako yake yetu yenu yao mimi wewe
yeye sisi nyinyi wao hio ama au lakini halafu then pesa bei jumla mzigo mteja rafiki wacha ebu tafadhali
kindly hello hi hey bana wueh aki kumbe eish sema nini
""".split()

_HINGLISH = """
hai hain tha thi the ka ki ke ko se pe par mein me aur bhi nahi nahin na haan ji bhai bhaiya didi yaar arre
kya kyun kaise kitne kitna kab kahan kaun wala wali wale tak lene lena dena dedo de do bhej bhejo bhejna
kar karo kardo karna diya liya gaya gayi ho hoga hogi jayega jayegi chahiye abhi aaj kal parso subah shaam
raat baje accha achha theek thik sab kuch bahut bohot mera meri mere tera teri tumhara aapka aapki hum tum
aap woh yeh ye iska uska phir fir sir madam ji please pls
""".split()

_PIDGIN = """
abeg una dey don wey go come na o oga madam ma sir wetin how far make am im e no fit sabi chop carry
sharp sharp lekker howzit eish shame yebo
""".split()

_ROMANCE = """
de da do das dos em no na o a os as e é um uma para por com sem que se mais muito obrigado obrigada oi olá
y el la los las en con sin del al por para muy gracias hola sí
le les des du au aux et est un une pour avec sans très merci bonjour oui
sai custa quanto quanta entregamos segue pedido meu minha número tenéis cuesta
""".split()

# Hindi words no other chat language of this file uses ("hai", "nahi"; not "sir", "madam", "na").
HINGLISH_WORDS = frozenset(_HINGLISH) - frozenset((*_SWAHILI_AND_SHENG, *_PIDGIN, *_ROMANCE))
CHAT_WORDS = frozenset(word.lower() for word in (*_ENGLISH, *_SWAHILI_AND_SHENG, *_HINGLISH, *_PIDGIN, *_ROMANCE))
