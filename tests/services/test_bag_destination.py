"""A bag goes to a post office of one province: items for agencies of another province are refused, with a
message that names both."""

from __future__ import annotations

import pytest

from securemail.errors import BadInputError
from securemail.services import bags, directory


def test_bag_refuses_items_for_another_province(vault):
    admin = vault.open("admin")
    directory.add_agency(admin, "VPCP", name="Văn phòng Chính phủ", province="Hà Nội")
    directory.add_agency(admin, "UBNDGL", name="Ủy ban nhân dân tỉnh Gia Lai", province="Gia Lai")
    directory.add_agency(admin, "XA", name="Ủy ban nhân dân xã (chưa ghi tỉnh)")
    clerk = vault.open("clerk1")
    to_hanoi = vault.accept(clerk, recipient_agency="VPCP", scope="lien-tinh")
    to_gialai = vault.accept(clerk, recipient_agency="UBNDGL")
    bag = bags.create_bag(clerk, "HN01", province="  hà  nội ")  # spacing and case do not matter
    with pytest.raises(BadInputError) as err:
        bags.add_to_bag(clerk, bag, [to_hanoi, to_gialai])
    assert err.value.key == "bag.wrong_destination"
    assert "Gia Lai" in err.value.message("vi") and "HN01" in err.value.message("vi")
    assert bags.get_bag(clerk, bag).items == ()  # nothing bagged when one item is refused
    assert bags.add_to_bag(clerk, bag, [to_hanoi]) == [to_hanoi]
    # a bag addressed to an agency takes items for agencies of that agency's province
    agency_bag = bags.create_bag(clerk, "UBNDGL")
    with pytest.raises(BadInputError):
        bags.add_to_bag(clerk, agency_bag, [vault.accept(clerk, recipient_agency="VPCP", scope="lien-tinh")])
    # an agency without a province recorded is not checked
    assert bags.add_to_bag(clerk, agency_bag, [vault.accept(clerk, recipient_agency="XA")])
