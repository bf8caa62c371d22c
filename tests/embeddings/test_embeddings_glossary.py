"""The domain glossary: English terms to the Dutch words the letters use."""

from __future__ import annotations

from embeddings.glossary import GLOSSARY, translations
from embeddings.lexical import fold


def test_translations_of_domain_terms():
    assert translations("summit") == ("top",)
    assert translations("allies") == ("bondgenoten",)
    assert "inwoners" in translations("people")  # "1 miljard inwoners" answers "how many people"
    assert translations("unknownword") == ()


def test_keys_and_values_are_folded_single_words():
    for english, dutch in GLOSSARY.items():
        assert english == fold(english) and " " not in english
        assert dutch and all(d == fold(d) and " " not in d for d in dutch)


def test_every_translation_is_a_word_of_the_letters(corpus):
    from embeddings.crosslingual import vocabulary

    words = set(vocabulary(doc.text for doc in corpus.documents))
    assert {d for dutch in GLOSSARY.values() for d in dutch} <= words
