// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// Pays many accounts in one transaction: funding a run's thousands of accounts by transfers would
/// otherwise take a transaction each, and a node holds only so many pending from one sender.
contract Disperse {
    function disperse(address payable[] calldata to, uint256[] calldata amounts) external payable {
        require(to.length == amounts.length, "one amount per recipient");
        for (uint256 i = 0; i < to.length; i++) {
            (bool paid, ) = to[i].call{value: amounts[i]}("");
            require(paid, "payment refused");
        }
        uint256 left = address(this).balance;
        if (left > 0) {
            (bool refunded, ) = payable(msg.sender).call{value: left}("");
            require(refunded, "refund refused");
        }
    }
}
