from zhenggai.core.diff import side_by_side


def test_changed_runs_are_marked_and_the_rest_escaped():
    before, after = side_by_side("2020年底前<完成>", "2021年6月底前<完成>")
    assert before == "202<del>0</del>年底前&lt;完成&gt;"
    assert after == "202<ins>1</ins>年<ins>6月</ins>底前&lt;完成&gt;"


def test_empty_sides():
    assert side_by_side("", "新增") == ("", "<ins>新增</ins>")
    assert side_by_side("删除", "") == ("<del>删除</del>", "")
