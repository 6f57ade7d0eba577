"""Romanisation systems, checked against the examples of their own standards."""
import pytest

from pipelines.countries.translit import romanisations, romanise


@pytest.mark.parametrize("cyrillic, latin", [
    ("Згорани", "Zghorany"),      # KMU-2010: "зг" -> "zgh"
    ("Знам'янка", "Znamianka"),   # "я" after an apostrophe is not word-initial
    ("Юрій", "Yurii"),            # word-initial "ю" -> "yu", final "й" -> "i"
    ("Україна", "Ukraina"),
    ("Велика Британія", "Velyka Brytaniia"),
])
def test_kmu2010(cyrillic, latin):
    assert romanise(cyrillic, "kmu2010") == latin


@pytest.mark.parametrize("cyrillic, system, latin", [
    ("Соединённые Штаты", "bgn_pcgn", "Soyedinënnyye Shtaty"),
    ("Германия", "bgn_pcgn", "Germaniya"),
    ("Германия", "icao9303", "Germaniia"),
    ("Объединённые Арабские Эмираты", "icao9303", "Obieedinennye Arabskie Emiraty"),
])
def test_russian_systems(cyrillic, system, latin):
    assert romanise(cyrillic, system) == latin


def test_romanisations_are_distinct_per_language():
    forms = romanisations("Франция", "ru")
    assert set(forms) <= {"bgn_pcgn", "icao9303", "ru_press"}
    assert len(set(forms.values())) == len(forms)
    assert romanisations("Франція", "uk") == {"kmu2010": "Frantsiia", "uk_phonetic": "Frantsiya"}
